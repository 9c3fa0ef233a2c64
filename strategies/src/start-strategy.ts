import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../common/free-port.js';
import { StrategyError, StrategyErrorCodes } from './errors.js';
import { frameOf, GO_FRAME_STRATEGIES, goFrameRuns, startGoFrame } from './go-frame.js';
import { haproxyOptions, startHaproxy } from './haproxy.js';
import { nginxOptions, startNginx } from './nginx.js';
import { Options } from './options.js';
import { proxyServer } from './proxy-server.js';
import { makeStrategy } from './registry.js';

/**
 * Puts a strategy in front of the upstream nodes, whatever it is: a reference strategy by name
 * (our proxy), `nginx` (Debian's nginx), `haproxy` (Debian's HAProxy), `none` (the first node
 * itself: k6 hits the mock directly), or any URL (the user's own proxy, in any language, already
 * running).
 */
export interface RunningStrategy {
  readonly name: string;
  readonly url: string;
  /** Where the strategy's own metrics are: ours, HAProxy's exporter, or none (nginx, a URL). */
  readonly metricsUrl: string | null;
  stop(): Promise<void>;
}

export interface StrategySpec {
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
}

/** A URL names the user's own proxy, already running. */
export const isUrl = (name: string): boolean => /^https?:\/\//.test(name);

/** Strategies that are a program of their own (run as a child), not our proxy frame. */
const isExternal = (name: string): boolean => name === 'nginx' || name === 'haproxy';

/**
 * Whether the spec is one of our reference strategies (our proxy frame), rather than nginx,
 * HAProxy, `none` or a URL, which are each a process of their own already or nothing to start.
 */
export function isReferenceStrategy(spec: StrategySpec): boolean {
  return !isUrl(spec.name) && spec.name !== 'none' && !isExternal(spec.name);
}

/** "retry:retries=2,baseMs=50" → { name: retry, options: {...} }; a URL is kept whole. */
export function parseStrategySpec(text: string): StrategySpec {
  if (isUrl(text)) return { name: text, options: {} };
  const [name, rest] = text.split(':', 2) as [string, string | undefined];
  const options: Record<string, string> = {};
  for (const pair of (rest ?? '').split(',').filter(Boolean)) {
    const i = pair.indexOf('=');
    options[i > 0 ? pair.slice(0, i) : pair] = i > 0 ? pair.slice(i + 1) : '';
  }
  return { name, options };
}

/**
 * The strategy's own options, once the `frame` option is checked: go (the default for the
 * strategies the Go frame runs, go-frame.ts) or node (the default for the others).
 */
function frameOptions(spec: StrategySpec): { go: boolean; options: Record<string, string> } {
  const { frame, rest } = frameOf(spec.name, spec.options);
  if (frame === null)
    throw new StrategyError(
      StrategyErrorCodes.BAD_OPTIONS,
      `${spec.name}: frame="${spec.options.frame}" must be node or go`,
    );
  if (frame === 'go' && !goFrameRuns(spec.name))
    throw new StrategyError(
      StrategyErrorCodes.BAD_OPTIONS,
      `${spec.name}: frame=go runs ${[...GO_FRAME_STRATEGIES].join(', ')}, alone or chained with + (the others run in the Node frame)`,
    );
  return { go: frame === 'go', options: rest };
}

/** Checks a spec without starting anything: unknown names and bad options fail here. */
export function checkStrategySpec(spec: StrategySpec): void {
  if (isUrl(spec.name) || spec.name === 'none') return;
  if (spec.name === 'nginx') {
    const opts = new Options('nginx', spec.options);
    nginxOptions(opts);
    opts.done();
    return;
  }
  if (spec.name === 'haproxy') {
    const opts = new Options('haproxy', spec.options);
    haproxyOptions(opts);
    opts.done();
    return;
  }
  // The Go frame's strategies take the Node frame's options, with the same bounds: checked here.
  makeStrategy(spec.name, frameOptions(spec).options);
}

export async function startStrategy(
  spec: StrategySpec,
  upstreams: readonly string[],
  o: { port?: number; host?: string; dir?: string; testControls?: boolean } = {},
): Promise<RunningStrategy> {
  const noop = async () => {};
  if (isUrl(spec.name)) return { name: spec.name, url: spec.name, metricsUrl: null, stop: noop };
  if (spec.name === 'none')
    return { name: 'none', url: upstreams[0] as string, metricsUrl: null, stop: noop };
  if (spec.name === 'nginx') {
    const opts = new Options('nginx', spec.options);
    const config = nginxOptions(opts);
    opts.done();
    const port = o.port || (await freePort());
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'busybench-nginx-'));
    const n = await startNginx(config, upstreams, port, dir);
    return { name: 'nginx', url: n.url, metricsUrl: null, stop: n.stop };
  }
  if (spec.name === 'haproxy') {
    const opts = new Options('haproxy', spec.options);
    const config = haproxyOptions(opts);
    opts.done();
    const port = o.port || (await freePort());
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'busybench-haproxy-'));
    const h = await startHaproxy(config, upstreams, { port, host: o.host, dir });
    return { name: 'haproxy', url: h.url, metricsUrl: h.metricsUrl, stop: h.stop };
  }
  const { go, options } = frameOptions(spec);
  const strategy = makeStrategy(spec.name, options);
  if (go) {
    const frame = await startGoFrame(spec.name, options, upstreams, o);
    return { name: `${spec.name}@go`, url: frame.url, metricsUrl: `${frame.url}/metrics`, stop: frame.stop };
  }
  const { app } = proxyServer(strategy, upstreams, { testControls: o.testControls === true });
  const url = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 0 });
  return { name: strategy.name, url, metricsUrl: `${url}/metrics`, stop: () => app.close() };
}
