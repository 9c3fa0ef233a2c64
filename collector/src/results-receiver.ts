import {
  closeSync,
  fdatasync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type BatchLimits,
  checkBatch,
  countLines,
  DEFAULT_BATCH_LIMITS,
  LIMIT_FLAGS,
} from './batch-limits.js';
import { CollectorError, CollectorErrorCodes } from './errors.js';
import type { LineSource } from './runner-view.js';
import type { RunStats } from './step-stats.js';

/** The runner's name becomes a file name: plain characters only (the engine's ValidRunner). */
const RUNNER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What a runner sent: kept per runner in `<dir>/<runner>.ndjson`. */
interface RunnerFile {
  readonly fd: number;
  readonly seen: Set<number>;
  readonly source: LineSource;
  /** The steps of the runner's plan, once its run line came: a line outside them is refused. */
  steps: ReadonlySet<number> | null;
  /** With fsync: the directory's entry for the file is on the disk (synced once). */
  entrySynced: boolean;
}

const fdatasyncAsync = promisify(fdatasync);

export interface Accepted {
  readonly duplicate: boolean;
  readonly lines: number;
}

/**
 * Results shipped by load generators over HTTP (`busybench load --ship`), at least once: a batch
 * is written down, in one write, behind a mark naming its runner, sequence number and line count,
 * before it is counted and acknowledged. A batch already held (the runner resent it after a lost
 * acknowledgement, or after this collector was restarted) is acknowledged and dropped. On start
 * the directory is read back (a restarted collector): every whole batch counts again, once, and a
 * batch cut short by a kill mid-write is cut off the file (its runner sends it again).
 *
 * Each runner's file is a results file like any other (the marks are lines `busybench report`
 * skips), so `busybench report <dir>` rebuilds the run from it.
 */
export class ResultsReceiver {
  private readonly runners = new Map<string, RunnerFile>();
  /** Runners whose file in the directory is not one this collector wrote: left alone. */
  private readonly foreign = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly run: RunStats,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Reads back what the directory holds; returns the batches counted, those cut off, and the
   * files that are not a receiver's (they do not begin with a batch mark): never read, cut or
   * written, and their runners' batches refused.
   */
  restore(): { batches: number; cutOff: number; foreign: string[] } {
    let batches = 0;
    let cutOff = 0;
    for (const name of readdirSync(this.dir).sort()) {
      const runner = runnerOfFile(name);
      if (runner === null) continue;
      if (!beginsWithMark(join(this.dir, name))) {
        this.foreign.add(runner);
        continue;
      }
      const r = this.open(runner);
      const read = readBatches(r.fd, (seq, lines) => {
        r.seen.add(seq);
        for (const line of lines) {
          // Checked when it was received: counted again as it is, its plan's steps kept.
          if (line.startsWith('{"type":"run"')) r.steps = stepsOfRunLine(line) ?? r.steps;
          this.run.ingestLine(line, r.source);
        }
      });
      batches += read.batches;
      if (read.validBytes < statSync(join(this.dir, name)).size) {
        ftruncateSync(r.fd, read.validBytes);
        cutOff++;
      }
    }
    return { batches, cutOff, foreign: [...this.foreign].map((r) => `${r}.ndjson`) };
  }

  /** A batch as posted: its runner and sequence from the headers, the NDJSON body. */
  accept(runner: unknown, seq: unknown, body: Buffer): Accepted {
    const problems: string[] = [];
    if (typeof runner !== 'string' || !RUNNER.test(runner))
      problems.push('x-busybench-runner must name the runner: 1-128 of A-Z a-z 0-9 . _ -');
    const n = typeof seq === 'string' && /^\d{1,16}$/.test(seq) ? Number(seq) : Number.NaN;
    if (!Number.isSafeInteger(n)) problems.push('x-busybench-seq must be the batch number, a whole number');
    if (body.length === 0 || body[body.length - 1] !== 0x0a)
      problems.push('the body must be whole NDJSON lines, the last one ending in a newline');
    if (problems.length > 0)
      throw new CollectorError(CollectorErrorCodes.BAD_BATCH, 'not a results batch', problems);
    const name = runner as string;
    if (this.foreign.has(name))
      throw new CollectorError(
        CollectorErrorCodes.FOREIGN_FILE,
        `${join(this.dir, `${name}.ndjson`)} is not a file this collector wrote: it is left as it is; move it away, or receive into another directory`,
      );
    if (!this.runners.has(name) && this.runners.size >= this.limits.maxRunners)
      throw new CollectorError(
        CollectorErrorCodes.TOO_MANY_RUNNERS,
        `this collector takes ${this.limits.maxRunners} runners (${LIMIT_FLAGS.maxRunners}); ${name} would be one more`,
      );
    const count = countLines(body);
    if (count > this.limits.maxBatchLines)
      throw new CollectorError(
        CollectorErrorCodes.TOO_LARGE,
        `${count} lines in one batch, the limit is ${this.limits.maxBatchLines} (${LIMIT_FLAGS.maxBatchLines})`,
      );
    const r = this.open(name);
    if (r.seen.has(n)) return { duplicate: true, lines: 0 };
    const lines = body.toString('utf8', 0, body.length - 1).split('\n');
    const checked = checkBatch(lines, this.limits, name, r.steps);
    if (checked.problems.length > 0)
      throw new CollectorError(
        CollectorErrorCodes.BAD_BATCH,
        'a line breaks the results contract: the batch is refused whole',
        checked.problems,
      );
    // Mark and lines in one write: a kill leaves the batch whole or (rarely) cut, never mixed.
    const mark = JSON.stringify({ type: 'batch', runner: name, seq: n, lines: lines.length });
    appendWhole(r.fd, Buffer.concat([Buffer.from(`${mark}\n`), body]));
    r.seen.add(n);
    r.steps = checked.steps;
    for (const record of checked.records) this.run.ingestRecord(record, r.source);
    return { duplicate: false, lines: lines.length };
  }

  /**
   * Puts what the runner's file holds on the disk (`collect --fsync`), before its batch is
   * acknowledged: its data, and the first time the directory's entry for the file. Off the event
   * loop (libuv's pool), so other runners' batches go on meanwhile.
   */
  async sync(runner: string): Promise<void> {
    const r = this.runners.get(runner);
    if (!r) return;
    await fdatasyncAsync(r.fd);
    if (r.entrySynced) return;
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    r.entrySynced = true;
  }

  close(): void {
    for (const r of this.runners.values()) closeSync(r.fd);
    this.runners.clear();
  }

  private open(runner: string): RunnerFile {
    let r = this.runners.get(runner);
    if (!r) {
      r = {
        fd: openSync(join(this.dir, `${runner}.ndjson`), 'a+'),
        seen: new Set(),
        source: { tally: null },
        steps: null,
        entrySynced: false,
      };
      this.runners.set(runner, r);
    }
    return r;
  }
}

/**
 * Appends all of `bytes` or nothing: a short write (a full disk) is cut off again and thrown, so
 * the batch is not acknowledged, its runner sends it again, and the file holds whole batches only.
 */
function appendWhole(fd: number, bytes: Buffer): void {
  const before = fstatSync(fd).size;
  try {
    let done = 0;
    while (done < bytes.length) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw new Error('no progress writing a batch');
      done += n;
    }
  } catch (err) {
    ftruncateSync(fd, before);
    throw err;
  }
}

/** The runner a file of the directory holds, or null for other files (the events, a report). */
export function runnerOfFile(name: string): string | null {
  if (!name.endsWith('.ndjson') || name === EVENTS_FILE) return null;
  const runner = name.slice(0, -'.ndjson'.length);
  return RUNNER.test(runner) ? runner : null;
}

/**
 * The collector's phases, alerts and scrapes in a receiving directory. A runner's name cannot
 * start with `_`, so no runner's file can be this one.
 */
export const EVENTS_FILE = '_events.ndjson';

/**
 * Reads a runner's file batch by batch (bounded memory: one chunk and one batch at a time) and
 * hands over each whole batch. Returns how many bytes hold whole batches: past them is a batch
 * cut short.
 */
function readBatches(
  fd: number,
  onBatch: (seq: number, lines: string[]) => void,
): { batches: number; validBytes: number } {
  const chunk = Buffer.alloc(1 << 20);
  let offset = 0;
  // A line's start from earlier chunks, as bytes: a character split across chunks stays whole.
  let partial: Buffer = Buffer.alloc(0);
  let validBytes = 0;
  let batches = 0;
  let current: { seq: number; want: number; lines: string[]; bytes: number } | null = null;
  for (;;) {
    const read = readSync(fd, chunk, 0, chunk.length, offset);
    if (read <= 0) break;
    offset += read;
    let start = 0;
    for (let i = 0; i < read; i++) {
      if (chunk[i] !== 0x0a) continue;
      const bytes = partial.length + (i + 1 - start);
      const line =
        partial.length > 0
          ? Buffer.concat([partial, chunk.subarray(start, i)]).toString('utf8')
          : chunk.toString('utf8', start, i);
      partial = Buffer.alloc(0);
      start = i + 1;
      if (current === null) {
        const mark = parseMark(line);
        if (mark === null) return { batches, validBytes }; // not a mark where one must be
        current = { seq: mark.seq, want: mark.lines, lines: [], bytes };
      } else {
        current.lines.push(line);
        current.bytes += bytes;
      }
      if (current.lines.length === current.want) {
        onBatch(current.seq, current.lines);
        batches++;
        validBytes += current.bytes;
        current = null;
      }
    }
    partial = Buffer.concat([partial, chunk.subarray(start, read)]);
  }
  return { batches, validBytes };
}

/** Whether a file is empty or begins with a batch mark: one this receiver wrote. */
function beginsWithMark(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n === 0) return true;
    const end = head.subarray(0, n).indexOf(0x0a);
    return end >= 0 && parseMark(head.toString('utf8', 0, end)) !== null;
  } finally {
    closeSync(fd);
  }
}

function stepsOfRunLine(line: string): ReadonlySet<number> | null {
  try {
    const o = JSON.parse(line) as { steps?: Array<{ step?: unknown }> };
    return Array.isArray(o.steps) ? new Set(o.steps.map((s) => s?.step as number)) : null;
  } catch {
    return null;
  }
}

function parseMark(line: string): { seq: number; lines: number } | null {
  try {
    const o = JSON.parse(line) as { type?: unknown; seq?: unknown; lines?: unknown };
    return o.type === 'batch' &&
      Number.isSafeInteger(o.seq) &&
      Number.isInteger(o.lines) &&
      (o.lines as number) > 0
      ? { seq: o.seq as number, lines: o.lines as number }
      : null;
  } catch {
    return null;
  }
}
