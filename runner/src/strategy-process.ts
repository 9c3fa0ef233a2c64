import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  isReferenceStrategy,
  type RunningStrategy,
  type StrategySpec,
  startStrategy,
} from '../../strategies/src/start-strategy.js';
import { startChildService } from './child-service.js';

/**
 * The strategy of a run, as a proxy of its own: a reference strategy runs as `busybench
 * strategy` in a child process, as a user's sidecar proxy would, so its forwarding and the
 * collector's ingest and scrapes (in the run's process) do not wait on one event loop; nginx and
 * HAProxy are processes of their own already, and a URL or `none` starts nothing.
 */
export async function startStrategyProcess(
  spec: StrategySpec,
  upstreams: readonly string[],
  dir: string,
): Promise<RunningStrategy> {
  if (!isReferenceStrategy(spec)) return startStrategy(spec, upstreams, { dir });
  mkdirSync(dir, { recursive: true });
  const child = await startChildService({
    what: `the strategy ${spec.name}`,
    args: [
      'strategy',
      spec.name,
      '--upstream',
      upstreams.join(','),
      '--port',
      '0',
      ...Object.entries(spec.options).flatMap(([k, v]) => ['--opt', `${k}=${v}`]),
    ],
    log: join(dir, 'strategy.log'),
    listening: /busybench strategy (\S+) listening on (http:\/\/[\d.:]+)/,
    count: 1,
  });
  const [, name, url] = child.announced[0] as RegExpExecArray;
  return { name: name as string, url: url as string, metricsUrl: `${url}/metrics`, stop: child.stop };
}
