import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { startMockProcess } from '../../runner/src/mock-process.js';
import { BIN, requireBuild } from '../cli/cli-helpers.js';

let stopMock: (() => Promise<unknown>) | undefined;
beforeAll(() => {
  requireBuild();
  engineBinary();
});
afterEach(async () => {
  await stopMock?.();
  stopMock = undefined;
});

describe('no coordinated omission', () => {
  it('shows a 2 s freeze of the server as the latency an open-model client sees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-co-'));
    writeFileSync(
      join(dir, 'mock.json'),
      JSON.stringify({
        behaviour: { latency: { ttft: { type: 'fixed', ms: 0 }, interToken: { type: 'fixed', ms: 0 } } },
      }),
    );
    const mock = await startMockProcess({
      nodes: 1,
      config: join(dir, 'mock.json'),
      log: join(dir, 'mock.log'),
    });
    stopMock = mock.stop;
    const pid = mock.pid;
    const results = join(dir, 'results.json');
    const summary = join(dir, 'summary.json');
    // 500 req/s for 10 s, room for every request of the freeze in flight (so it shows as
    // latency, not drops), the mock frozen (SIGSTOP) from second 4 to second 6.
    const load = spawn(
      process.execPath,
      [
        BIN,
        'load',
        '-t',
        mock.urls[0] as string,
        '-p',
        'smoke',
        '-r',
        '500',
        '-d',
        '10s',
        '--stream-ratio',
        '0',
        '--thinking',
        'off',
        '--max-in-flight',
        '2000',
        '-q',
        '--results',
        results,
        '--summary',
        summary,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((r) => load.on('close', r));
    await new Promise((r) => setTimeout(r, 4500)); // the CLI and engine start in ~0.5 s
    // The freeze as it was, not as asked: on a busy machine this process's timer fires late.
    const frozenAt = performance.now();
    process.kill(pid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 2000));
    process.kill(pid, 'SIGCONT');
    const freezeMs = performance.now() - frozenAt;
    expect(await exited).toBe(99); // p99 < 800 ms is broken, as it should be
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.requests).toBe(5000);
    expect(s.droppedIterations).toBe(0);
    const latencies = readFileSync(results, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"type":"req"'))
      .map((l) => (JSON.parse(l) as { ms: number }).ms);
    const overOneSecond = latencies.filter((ms) => ms > 1000).length;
    // Arrivals in the freeze's first (freeze - 1 s) wait over 1 s: about 500 of them for 2 s.
    // Measured 522 (machine quiet), 529 and 536 (a CPU hog on the other core) for 2.00-2.01 s,
    // 664 in CI (2026-12-04): the drain after the freeze (below) also lifts the arrivals of the
    // freeze's last second over 1 s, 500 per second of drain. The upper line allows the same
    // 500 ms of drain as the p99 line; counting a request twice, or the freeze twice, breaks it.
    const overExpected = (500 * (freezeMs - 1000)) / 1000;
    expect(overOneSecond, `${overOneSecond} over 1 s, freeze ${freezeMs} ms`).toBeGreaterThan(
      overExpected * 0.8,
    );
    expect(overOneSecond, `${overOneSecond} over 1 s, freeze ${freezeMs} ms`).toBeLessThan(
      overExpected + 250,
    );
    // p99 is the 50th slowest: an arrival ~0.1 s into the freeze, waiting the rest of it and its
    // turn in the ~1 000 requests the freeze held, served once it ends. That drain added 72 ms
    // with the machine quiet, 314 and 394 ms beside a CPU hog on the other core (2026-12-04):
    // the line is 500 ms past the freeze's end.
    const p99 = s.steps[0].p99Ms as number;
    expect(p99, `p99 ${p99}, freeze ${freezeMs} ms`).toBeGreaterThan(freezeMs - 300);
    expect(p99, `p99 ${p99}, freeze ${freezeMs} ms`).toBeLessThan(freezeMs + 500);
  }, 60_000);
});
