import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { BIN, requireBuild } from '../cli/cli-helpers.js';
import { startMock, type TestMock } from '../helpers/mock.js';
import { requireTool } from '../helpers/tools.js';

let strace = '';
let mock: TestMock | undefined;
const children: Array<ReturnType<typeof spawn>> = [];
beforeAll(() => {
  requireBuild();
  engineBinary();
  strace = requireTool('strace', 'strace');
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await mock?.close();
  mock = undefined;
});

/**
 * busybench under strace (-f: every thread, the engine too; -y: paths of fds; -s: enough of each
 * write to see the answer): the disk flushes, renames and socket writes, in the order they ran.
 */
function traced(log: string, args: string[]) {
  const child = spawn(
    strace,
    [
      ...['-f', '-qq', '-y', '-s', '400', '-o', log],
      ...['-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,write,writev'],
      ...[process.execPath, BIN, ...args],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const ready = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const m = pattern.exec(out);
    if (!m) throw new Error(`no ${pattern} in: ${out}`);
    return m;
  };
  return { child, exited, ready, output: () => out };
}

/** One ship: a collector (--fsync or not) and a 2 s run shipping to it (--fsync or not), both traced. */
async function ship(dir: string, fsync: boolean) {
  mock ??= await startMock();
  const flag = fsync ? ['--fsync'] : [];
  const collector = traced(join(dir, 'collector.strace'), [
    ...['collect', '--receive', join(dir, 'received'), '-p', '0', ...flag],
  ]);
  const port = (await collector.ready(/127\.0\.0\.1:(\d+)\//))[1];
  const load = traced(join(dir, 'load.strace'), [
    ...['load', '-t', mock.url, '-r', '100', '-d', '2s', '-q', '--summary', join(dir, 's.json')],
    ...['--ship', `http://127.0.0.1:${port}`, '--runner', 'r1', '--spool', join(dir, 'spool'), ...flag],
  ]);
  expect(await load.exited, load.output()).toBe(0);
  // The collector itself, not strace (which would leave it running): it stops as on Ctrl-C.
  const pid = spawnSync('pgrep', ['-P', String(collector.child.pid)], { encoding: 'utf8' }).stdout.trim();
  process.kill(Number(pid), 'SIGINT');
  await collector.exited;
  const batches = readFileSync(join(dir, 'received', 'r1.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"batch"')).length;
  return {
    batches,
    collector: readFileSync(join(dir, 'collector.strace'), 'utf8').split('\n'),
    load: readFileSync(join(dir, 'load.strace'), 'utf8').split('\n'),
  };
}

/**
 * Each system call whole, in the order they returned: with several threads, strace splits a call
 * into `… <unfinished ...>` and, in its thread, `<... name resumed> …) = 0` once it returns.
 */
function completed(lines: string[]): string[] {
  const pending = new Map<string, string>();
  const out: string[] = [];
  for (const line of lines) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, pid, call] = m as unknown as [string, string, string];
    if (call.endsWith('<unfinished ...>')) {
      pending.set(pid, call.slice(0, -'<unfinished ...>'.length).trimEnd());
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(call);
    if (resumed) {
      // strace pads a resumed call's result (`)        = 0`): said as a whole call says it.
      out.push(`${pending.get(pid) ?? ''}${resumed[1]}`.replace(/\)\s+= /, ') = '));
      pending.delete(pid);
    } else out.push(call);
  }
  return out;
}

/** The runner file's data flushes and the batch acknowledgements, in the order they happened. */
function collectorEvents(lines: string[]): Array<'sync' | 'ack'> {
  return completed(lines).flatMap((l): Array<'sync' | 'ack'> => {
    if (/fdatasync\(\d+<[^>]*\/r1\.ndjson>\) = 0/.test(l)) return ['sync'];
    if (/writev?\(\d+<socket:/.test(l) && l.includes('{\\"duplicate\\":')) return ['ack'];
    return [];
  });
}

/** The spool's batch flushes and their renames into place, in order. */
function spoolEvents(lines: string[]): Array<'sync' | 'rename'> {
  return completed(lines).flatMap((l): Array<'sync' | 'rename'> => {
    if (/fsync\(\d+<[^>]*\/spool\/\d{16}\.ndjson\.tmp>\) = 0/.test(l)) return ['sync'];
    if (/rename(at2?)?\(.*\d{16}\.ndjson\.tmp".*\d{16}\.ndjson"/.test(l)) return ['rename'];
    return [];
  });
}

/**
 * `--fsync` (issue 26, item 8): an acknowledged batch is on the collector's disk, a spooled one
 * on the runner's, so a power loss loses neither. Checked by what the processes asked of the
 * kernel, in order: each acknowledgement after its batch's flush; each spooled batch flushed
 * before it is renamed into the spool.
 */
describe('--fsync on the receiver and the spool', () => {
  it('with it: every batch flushed before its acknowledgement, and before it is renamed into the spool', async () => {
    const run = await ship(mkdtempSync(join(tmpdir(), 'busybench-fsync-')), true);
    expect(run.batches).toBeGreaterThanOrEqual(6);
    const c = collectorEvents(run.collector);
    expect(c.filter((e) => e === 'ack')).toHaveLength(run.batches);
    // Each runner's batch comes after the last one was answered: sync, ack, sync, ack …
    expect(c).toEqual(Array.from({ length: run.batches }, () => ['sync', 'ack']).flat());
    // The directory's entry for the new file, once.
    expect(completed(run.collector).filter((l) => /^fsync\(\d+<[^>]*\/received>\) = 0/.test(l))).toHaveLength(
      1,
    );
    const s = spoolEvents(run.load);
    expect(s.filter((e) => e === 'rename')).toHaveLength(run.batches);
    expect(s).toEqual(Array.from({ length: run.batches }, () => ['sync', 'rename']).flat());
  }, 60_000);

  it('without it: no flush at all (what the README says a power loss can then lose)', async () => {
    const run = await ship(mkdtempSync(join(tmpdir(), 'busybench-nofsync-')), false);
    expect(run.batches).toBeGreaterThanOrEqual(6);
    const c = collectorEvents(run.collector);
    expect(c.filter((e) => e === 'ack')).toHaveLength(run.batches);
    expect(c.filter((e) => e === 'sync')).toHaveLength(0);
    const s = spoolEvents(run.load);
    expect(s.filter((e) => e === 'rename')).toHaveLength(run.batches);
    expect(s.filter((e) => e === 'sync')).toHaveLength(0);
  }, 60_000);
});
