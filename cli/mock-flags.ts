import type { Distribution } from '../mock-server/src/config/schema.js';

/** What `busybench mock` accepts on the command line, before it becomes config overrides. */
export interface MockFlags {
  config?: string;
  host?: string;
  port?: string;
  nodes?: string;
  seed?: string;
  scenario?: string;
  scenarioSpeed?: string;
  loop?: boolean;
  errorRate?: string[];
  ttft?: string;
  itl?: string;
  maxInFlight?: string;
  queue?: string;
  overflow?: string;
  retryAfter?: string;
  allowUnknownKeys?: boolean;
  logLevel?: string;
  adminTokenFile?: string;
}

/**
 * Turns flags into partial configs (layered over the file) and collects every flag problem, so
 * that the user hears of all of them at once. Values are checked for real by the config schema.
 */
export function flagsToOverrides(flags: MockFlags): { overrides: unknown[]; problems: string[] } {
  const problems: string[] = [];
  const o: Record<string, unknown>[] = [];
  const num = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) problems.push(`--${name}: "${raw}" is not a number`);
    return n;
  };
  const server: Record<string, unknown> = {};
  if (flags.host !== undefined) server.host = flags.host;
  if (flags.port !== undefined) server.port = num('port', flags.port);
  if (flags.nodes !== undefined) server.nodes = num('nodes', flags.nodes);
  if (flags.logLevel !== undefined) server.logLevel = flags.logLevel;
  if (Object.keys(server).length > 0) o.push({ server });
  if (flags.seed !== undefined) o.push({ seed: num('seed', flags.seed) });
  if (flags.allowUnknownKeys) o.push({ auth: { allowUnknownKeys: true } });
  if (flags.adminTokenFile !== undefined)
    o.push({ admin: { allowRemote: true, tokenFile: flags.adminTokenFile } });
  if (flags.scenario !== undefined) {
    o.push({
      scenario: {
        name: flags.scenario,
        speed: num('scenario-speed', flags.scenarioSpeed) ?? 1,
        loop: flags.loop === true,
      },
    });
  }
  const errors: Record<string, number | undefined> = {};
  for (const pair of flags.errorRate ?? []) {
    const match = /^(\d{3})=([\d.]+)$/.exec(pair);
    if (!match) problems.push(`--error-rate: "${pair}" must look like 503=0.3`);
    else errors[match[1] as string] = num('error-rate', match[2]);
  }
  const latency: Record<string, unknown> = {};
  if (flags.ttft !== undefined) latency.ttft = parseDistribution('ttft', flags.ttft, problems);
  if (flags.itl !== undefined) latency.interToken = parseDistribution('itl', flags.itl, problems);
  const capacity: Record<string, unknown> = {};
  if (flags.maxInFlight !== undefined) capacity.maxInFlight = num('max-in-flight', flags.maxInFlight);
  if (flags.queue !== undefined) capacity.queueSize = num('queue', flags.queue);
  if (flags.overflow !== undefined) capacity.overflow = flags.overflow;
  const limits: Record<string, unknown> = {};
  if (flags.retryAfter !== undefined) limits.retryAfterSeconds = num('retry-after', flags.retryAfter);
  const behaviour: Record<string, unknown> = {};
  if (Object.keys(errors).length > 0) behaviour.faults = { errors };
  if (Object.keys(latency).length > 0) behaviour.latency = latency;
  if (Object.keys(capacity).length > 0) behaviour.capacity = capacity;
  if (Object.keys(limits).length > 0) behaviour.limits = limits;
  if (Object.keys(behaviour).length > 0) o.push({ behaviour });
  return { overrides: o, problems };
}

/** "fixed:100", "uniform:50-200", "normal:100,20", "lognormal:100,0.5" (milliseconds). */
export function parseDistribution(flag: string, text: string, problems: string[]): Distribution | undefined {
  const [type, args = ''] = text.split(':', 2);
  const nums = args.split(/[-,]/).map(Number);
  const ok = (n: number) => nums.length === n && nums.every((x) => Number.isFinite(x));
  if (type === 'fixed' && ok(1)) return { type, ms: nums[0] as number };
  if (type === 'uniform' && ok(2)) return { type, minMs: nums[0] as number, maxMs: nums[1] as number };
  if (type === 'normal' && ok(2)) return { type, meanMs: nums[0] as number, stdMs: nums[1] as number };
  if (type === 'lognormal' && ok(2)) return { type, medianMs: nums[0] as number, sigma: nums[1] as number };
  problems.push(
    `--${flag}: "${text}" must be fixed:MS, uniform:MIN-MAX, normal:MEAN,STD or lognormal:MEDIAN,SIGMA`,
  );
  return undefined;
}
