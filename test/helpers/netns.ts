import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { BIN } from '../cli/cli-helpers.js';
import { requireTool } from './tools.js';

/**
 * Hosts simulated on this machine: network namespaces of their own, each with one veth into a
 * bridge in the root namespace (the bridge holds `.1`, the host the test runs on). Traffic
 * between them crosses real interfaces and a real L2 hop, not loopback. Needs root and iproute2;
 * without them the test fails and says so.
 */
export interface Hosts {
  /** The root namespace's address on the bridge (a collector listening here is reachable). */
  readonly gateway: string;
  /** Each host's namespace and address, by name. */
  readonly hosts: Readonly<Record<string, { ns: string; ip: string }>>;
  remove(): void;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || r.error?.message}`);
}

/** `names` hosts on 10.213.<subnet>.0/24, addresses .10, .11, … in order. */
export function makeHosts(tag: string, subnet: number, names: readonly string[]): Hosts {
  requireTool('ip', 'iproute2');
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root: run the tests as root');
  const bridge = `bb${tag}br`;
  const nsOf = (name: string) => `bb-${tag}-${name}`;
  const remove = () => {
    for (const name of names) spawnSync('ip', ['netns', 'del', nsOf(name)]);
    spawnSync('ip', ['link', 'del', bridge]);
  };
  remove(); // what an earlier, killed run left behind
  const gateway = `10.213.${subnet}.1`;
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', `${gateway}/24`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  const hosts: Record<string, { ns: string; ip: string }> = {};
  names.forEach((name, i) => {
    const ns = nsOf(name);
    const addr = `10.213.${subnet}.${10 + i}`;
    const veth = `bb${tag}${i}`;
    ip('netns', 'add', ns);
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('link', 'set', veth, 'master', bridge, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    hosts[name] = { ns, ip: addr };
  });
  return { gateway, hosts, remove };
}

/** busybench run inside a namespace (null: this one); stdout and stderr collected. */
export function busybenchIn(ns: string | null, args: string[]) {
  const argv = [process.execPath, BIN, ...args];
  const child: ChildProcess =
    ns === null
      ? spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  /** Resolves when stdout matches, rejects after `timeoutMs` or when it exits first. */
  const ready = (re: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${re} within ${timeoutMs} ms: ${stdout}${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        if (re.test(stdout)) {
          clearTimeout(timer);
          resolve(stdout);
        }
      };
      child.stdout?.on('data', check);
      check();
      void exited.then(() => reject(new Error(`exited before ${re}: ${stdout}${stderr}`)));
    });
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}
