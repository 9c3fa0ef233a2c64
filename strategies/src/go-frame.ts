import { spawn } from 'node:child_process';
import { goBinary } from '../../common/go-binary.js';
import { StrategyError, StrategyErrorCodes } from './errors.js';
import { startRedisServer } from './redis-server.js';

/**
 * The Go frame (strategies/frame, on fasthttp): the strategies it runs, alone or chained with
 * "+". It is the default frame for them since it costs about half the Node frame's CPU a request
 * and carries 4 000 req/s beside the mock on one core where the Node frame broke (issue 28;
 * strategies/README.md, "The Go frame"); `frame=node` keeps the Node frame (`busybench strategy
 * retry -o frame=node`, `busybench run -s retry:frame=node`). openai-sdk, and a chain holding it,
 * run in the Node frame only (the SDK is Node by nature).
 */
export const GO_FRAME_STRATEGIES: ReadonlySet<string> = new Set([
  'passthrough',
  'retry',
  'breaker',
  'bulkhead',
  'priority',
  'rate-limit',
  'key-pool',
  'balance-wrr',
  'balance-lor',
  'hedge',
  'fallback',
  'cache',
]);

/** Whether the Go frame runs a strategy or chain (every link of it). */
export const goFrameRuns = (name: string): boolean =>
  name.split('+').every((n) => GO_FRAME_STRATEGIES.has(n));

/**
 * Which frame a spec runs in: the one its options ask for, else the Go frame when it runs the
 * strategy, else the Node frame; `frame` itself is not the strategy's option. null: neither.
 */
export function frameOf(
  name: string,
  options: Readonly<Record<string, string>>,
): { frame: 'node' | 'go' | null; rest: Record<string, string> } {
  const { frame, ...rest } = options;
  if (frame === undefined) return { frame: goFrameRuns(name) ? 'go' : 'node', rest };
  return { frame: frame === 'go' || frame === 'node' ? frame : null, rest };
}

/** The frame's binary, built (when its sources changed) by scripts/build-engine.sh. */
function frameBinary(): string {
  const bin = goBinary('frame');
  if (bin === null)
    throw new StrategyError(
      StrategyErrorCodes.GO_FRAME,
      'could not build the Go frame (scripts/build-engine.sh failed; see above)',
    );
  return bin;
}

export interface GoFrame {
  readonly url: string;
  /** SIGTERM: answers under way get 3 s, then the process exits; killed if it has not in 5 s. */
  stop(): Promise<void>;
}

/**
 * The option key of the cache's store in `name`'s options (`store`, or `cache.store` in a
 * chain), when the cache keeps its answers in a Redis nobody named: the frame needs one of ours.
 */
function ownRedisFor(name: string, options: Readonly<Record<string, string>>): string | null {
  const links = name.split('+');
  if (!links.includes('cache')) return null;
  const prefix = links.length > 1 ? 'cache.' : '';
  return options[`${prefix}store`] === 'redis' && options[`${prefix}redisUrl`] === undefined
    ? `${prefix}redisUrl`
    : null;
}

/**
 * Starts the Go frame with a strategy its options already checked, in front of the nodes. A cache
 * with store=redis and no redisUrl gets a redis-server of ours (as the Node frame's cache starts
 * one), stopped with the frame.
 */
export async function startGoFrame(
  name: string,
  options: Readonly<Record<string, string>>,
  upstreams: readonly string[],
  o: { port?: number; host?: string; testControls?: boolean },
): Promise<GoFrame> {
  const redisKey = ownRedisFor(name, options);
  if (redisKey === null) return startFrame(name, options, upstreams, o);
  const redis = await startRedisServer();
  try {
    const frame = await startFrame(name, { ...options, [redisKey]: redis.url }, upstreams, o);
    return {
      url: frame.url,
      stop: async () => {
        await frame.stop();
        await redis.stop();
      },
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}

function startFrame(
  name: string,
  options: Readonly<Record<string, string>>,
  upstreams: readonly string[],
  o: { port?: number; host?: string; testControls?: boolean },
): Promise<GoFrame> {
  const args = [
    '--strategy',
    name,
    '--upstreams',
    upstreams.join(','),
    '--host',
    o.host ?? '127.0.0.1',
    '--port',
    String(o.port ?? 0),
    ...Object.entries(options).flatMap(([k, v]) => ['--option', `${k}=${v}`]),
    ...(o.testControls ? ['--forward-test-controls'] : []),
  ];
  const child = spawn(frameBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let stopping = false;
  // What the frame says on stderr is the user's to see (a failure after the start too).
  child.stderr.on('data', (d: Buffer) => {
    if (err.length < 4096) err += d; // for the start's error line: bounded, the process is long-lived
    process.stderr.write(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      child.once('exit', (code, signal) => {
        if (!stopping)
          process.stderr.write(
            `busybench: the Go frame at ${m[1]} exited (${signal ?? `code ${code}`}) while in use\n`,
          );
      });
      resolve({
        url: m[1] as string,
        stop: async () => {
          stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) =>
      // After the start this rejects a settled promise: nothing happens.
      reject(
        new StrategyError(
          StrategyErrorCodes.GO_FRAME,
          `the Go frame exited with ${code}: ${err.trim() || out.trim() || 'no output'}`,
        ),
      ),
    );
  });
}
