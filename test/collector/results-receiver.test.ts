import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../collector/src/errors.js';
import { ResultsReceiver, runnerOfFile } from '../../collector/src/results-receiver.js';
import { RunStats } from '../../collector/src/step-stats.js';

const T0 = 1_764_400_000_000;
const runLine = (runner: string, segment: string) =>
  JSON.stringify({
    type: 'run',
    version: 1,
    engine: 'busybench-engine',
    runner,
    segment,
    target: 'http://127.0.0.1:8000',
    profile: 'stepped',
    startedAt: T0,
    steps: [{ step: 0, targetRate: 10, startMs: 0, endMs: 2000, scheduled: 10 }],
  });
const req = (i: number, late = 0.1) =>
  JSON.stringify({ type: 'req', t: T0 + i * 100, step: 0, rate: 10, outcome: 'ok', ms: 100 + i, late });
const body = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);

function fresh(dir = mkdtempSync(join(tmpdir(), 'busybench-recv-'))) {
  const run = new RunStats();
  return { dir, run, receiver: new ResultsReceiver(dir, run) };
}

describe('ResultsReceiver', () => {
  it('counts a batch once, however often it comes', () => {
    const { run, receiver } = fresh();
    expect(receiver.accept('r-1', '5', body(runLine('r-1', '0/2'), req(0), req(1)))).toEqual({
      duplicate: false,
      lines: 3,
    });
    expect(receiver.accept('r-1', '5', body(runLine('r-1', '0/2'), req(0), req(1)))).toEqual({
      duplicate: true,
      lines: 0,
    });
    // The same number from another runner is another batch.
    expect(receiver.accept('r-2', '5', body(runLine('r-2', '1/2'), req(2))).duplicate).toBe(false);
    expect(run.steps.get(0)?.requests).toBe(3);
    expect(run.runners.map((t) => t.run.runner)).toEqual(['r-1', 'r-2']);
    expect(run.runners[0]?.step(0)?.received).toBe(2);
  });

  it('reads back what it held after a restart: the same counts, and resends still dropped', () => {
    const { dir, receiver } = fresh();
    receiver.accept('r-1', '1', body(runLine('r-1', '0/1'), req(0)));
    receiver.accept('r-1', '2', body(req(1), req(2, 12)));
    receiver.close();

    const again = fresh(dir);
    expect(again.receiver.restore()).toEqual({ batches: 2, cutOff: 0, foreign: [] });
    expect(again.run.steps.get(0)?.requests).toBe(3);
    expect(again.run.runners[0]?.step(0)?.late).toBe(1);
    expect(again.receiver.accept('r-1', '2', body(req(1), req(2))).duplicate).toBe(true);
    expect(again.receiver.accept('r-1', '3', body(req(3))).duplicate).toBe(false);
    expect(again.run.steps.get(0)?.requests).toBe(4);
  });

  it('cuts off a batch a kill left half-written, so its resend counts once', () => {
    const { dir, receiver } = fresh();
    receiver.accept('r-1', '1', body(runLine('r-1', '0/1'), req(0)));
    receiver.close();
    const file = join(dir, 'r-1.ndjson');
    const whole = statSync(file).size;
    // The mark promised two lines; one and a half were written.
    appendFileSync(
      file,
      `${JSON.stringify({ type: 'batch', runner: 'r-1', seq: 2, lines: 2 })}\n${req(1)}\n{"type":"re`,
    );

    const again = fresh(dir);
    expect(again.receiver.restore()).toEqual({ batches: 1, cutOff: 1, foreign: [] });
    expect(statSync(file).size).toBe(whole);
    expect(again.receiver.accept('r-1', '2', body(req(1), req(2))).duplicate).toBe(false);
    expect(again.run.steps.get(0)?.requests).toBe(3);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('reads back a file of several MiB whose characters straddle the read chunks, and a mark cut short', () => {
    const { dir, receiver } = fresh();
    // 2-byte characters everywhere: some fall across the 1 MiB chunk edges of the read-back.
    const note = 'é'.repeat(301);
    const lines = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        req(from + i).replace('{"type":"req",', `{"type":"req","note":"${note}",`),
      );
    receiver.accept('r-1', '1', body(runLine('r-1', '0/1'), ...lines(0, 4000)));
    receiver.accept('r-1', '2', body(...lines(4000, 4000)));
    receiver.close();
    const file = join(dir, 'r-1.ndjson');
    const whole = statSync(file).size;
    expect(whole).toBeGreaterThan(4 << 20);
    appendFileSync(file, '{"type":"batch","run');

    const again = fresh(dir);
    expect(again.receiver.restore()).toEqual({ batches: 2, cutOff: 1, foreign: [] });
    expect(statSync(file).size).toBe(whole);
    expect(again.run.steps.get(0)?.requests).toBe(8000);
    expect(again.run.malformedLines).toBe(0);
  });

  it('refuses what is not a batch, saying every problem', () => {
    const { receiver } = fresh();
    try {
      receiver.accept('../etc', 'x', Buffer.from('{"type":"req"}'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CollectorError);
      expect((err as CollectorError).code).toBe('COLLECTOR_ERR_BAD_BATCH');
      expect((err as CollectorError).problems).toHaveLength(3);
    }
  });

  it('knows runner files from the rest of its directory', () => {
    expect(runnerOfFile('r-1.ndjson')).toBe('r-1');
    expect(runnerOfFile('_events.ndjson')).toBeNull();
    expect(runnerOfFile('report.html')).toBeNull();
  });

  it('a directory it wrote reads as results: the marks are skipped, not malformed', () => {
    const { dir, receiver } = fresh();
    receiver.accept('r-1', '1', body(runLine('r-1', '0/1'), req(0)));
    receiver.close();
    const run = new RunStats();
    for (const line of readFileSync(join(dir, 'r-1.ndjson'), 'utf8').split('\n').filter(Boolean))
      run.ingestLine(line);
    expect(run.malformedLines).toBe(0);
    expect(run.steps.get(0)?.requests).toBe(1);
  });
});
