import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { BIN, requireBuild } from '../cli/cli-helpers.js';
import { requireTool } from '../helpers/tools.js';

/**
 * The Kubernetes manifests give every container a read-only root filesystem (issue 26): what a
 * program writes must go to a volume. Here each busybench container runs as its manifest says
 * (its arguments, its mounts, /app as the working directory), its pod paths mapped into a
 * folder, under strace: every file it creates, writes, renames or removes must lie in a volume it
 * mounts writable (an emptyDir or the collector's claim), never on the image's filesystem.
 */
const ROOT = packageRoot();
const BASE = join(ROOT, 'deploy', 'kubernetes', 'base');

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  volumeMounts?: Mount[];
}
interface Volume {
  name: string;
  emptyDir?: object;
  persistentVolumeClaim?: object;
  configMap?: { name: string };
  secret?: { secretName: string };
}
interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
  volumes?: Volume[];
}

function podSpec(file: string, kind: string, name: string): PodSpec {
  const doc = parseAllDocuments(readFileSync(join(BASE, file), 'utf8'))
    .map((d) => d.toJS())
    .find((m) => m.kind === kind && m.metadata.name === name);
  expect(doc, `${kind}/${name} in ${file}`).toBeDefined();
  return doc.spec.template.spec as PodSpec;
}

/** base/kustomization.yaml's generators: name → [key, file in base/]. */
const kustomization = parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as Record<
  string,
  Array<{ name: string; files: string[] }>
>;
function generated(kind: 'configMapGenerator' | 'secretGenerator', name: string): Array<[string, string]> {
  const g = kustomization[kind]?.find((x) => x.name === name);
  expect(g, `${kind} ${name}`).toBeDefined();
  return (g as { files: string[] }).files.map((f) => {
    const [key, file] = f.includes('=')
      ? (f.split('=') as [string, string])
      : [f.split('/').pop() as string, f];
    return [key, file];
  });
}

/** A pod's filesystem in a folder: each volume a folder, filled as Kubernetes fills it. */
class Pod {
  readonly mounts: Array<{ path: string; dir: string; writable: boolean }> = [];
  readonly rootfs: string;
  constructor(
    readonly dir: string,
    readonly spec: PodSpec,
    readonly container: Container,
  ) {
    this.rootfs = join(dir, 'rootfs');
    mkdirSync(join(this.rootfs, 'app'), { recursive: true });
    mkdirSync(join(this.rootfs, 'home'), { recursive: true });
    for (const m of container.volumeMounts ?? []) {
      const v = spec.volumes?.find((x) => x.name === m.name) as Volume;
      const vdir = join(dir, 'volumes', v.name);
      mkdirSync(vdir, { recursive: true });
      if (v.configMap)
        for (const [key, file] of generated('configMapGenerator', v.configMap.name))
          writeFileSync(join(vdir, key), readFileSync(join(BASE, file)));
      // The user's token file is not in the repository: a test token, as base/collector-token would hold.
      if (v.secret)
        for (const [key] of generated('secretGenerator', v.secret.secretName))
          writeFileSync(join(vdir, key), `${'0123456789abcdef'.repeat(3)}\n`);
      const writable = (v.emptyDir !== undefined || v.persistentVolumeClaim !== undefined) && !m.readOnly;
      this.mounts.push({ path: m.mountPath.replace(/\/$/, ''), dir: vdir, writable });
    }
    this.mounts.sort((a, b) => b.path.length - a.path.length);
  }
  /** A path in the pod, as a path here (outside every volume: under rootfs, the image's). */
  map(path: string): string {
    const m = this.mounts.find((x) => path === x.path || path.startsWith(`${x.path}/`));
    return m ? m.dir + path.slice(m.path.length) : join(this.rootfs, path);
  }
  /** The pod path a written path here stands for, and whether the pod may write it. */
  judge(path: string): { pod: string; writable: boolean } {
    const m = this.mounts.find((x) => path === x.dir || path.startsWith(`${x.dir}/`));
    if (m) return { pod: m.path + path.slice(m.dir.length), writable: m.writable };
    return {
      pod: path.startsWith(this.rootfs) ? path.slice(this.rootfs.length) || '/' : path,
      writable: false,
    };
  }
}

/** The container's command line with $(NAME) expanded as Kubernetes does, for declared variables. */
function expanded(c: Container, fields: Record<string, string>): string[] {
  const env = new Map(
    (c.env ?? []).map((e) => [e.name, e.value ?? fields[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']),
  );
  return [...(c.command ?? []), ...(c.args ?? [])].map((a) =>
    a.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (all, name: string) => env.get(name) ?? all),
  );
}

const WRITES =
  'open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,link,linkat,' +
  'symlink,symlinkat,truncate,chmod,fchmodat,chown,lchown,fchownat,utimensat,mknodat';

/** Every path a strace log shows written (created, opened for writing, renamed, removed, changed). */
function writtenPaths(log: string): string[] {
  const out = new Set<string>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const call = /^\d+ +(\w+)\((.*)$/.exec(line);
    if (!call) continue;
    const [, name, rest] = call as unknown as [string, string, string];
    if (/^open/.test(name) && !/O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(rest)) continue;
    // Arguments in order: a descriptor with its path (-y: `AT_FDCWD</dir>`, `3</dir>`) or a string.
    const args = [...rest.matchAll(/(?:AT_FDCWD|\d+)<([^>]*)>|"((?:[^"\\]|\\.)*)"|NULL/g)];
    let dirfd = '';
    const paths: string[] = [];
    for (const a of args) {
      if (a[1] !== undefined) dirfd = a[1];
      else if (a[2] !== undefined) paths.push(a[2].startsWith('/') ? a[2] : join(dirfd, a[2]));
      else if (a[0] === 'NULL' && name === 'utimensat') paths.push(dirfd);
      if (paths.length > 0 && !/^(rename|link|symlink)/.test(name)) break;
    }
    // symlink's first string is what the link points to, not a path written.
    for (const p of /^symlink/.test(name) ? paths.slice(-1) : paths) out.add(p);
  }
  return [...out].filter((p) => !/^\/(dev|proc|sys)(\/|$)/.test(p));
}

let strace = '';
let dir = '';
const running: ChildProcess[] = [];
const traced = new Map<string, { pod: Pod; log: string }>();

/** A container's command under strace, from /app, with the pod's /tmp and HOME. */
function start(key: string, pod: Pod, argv: string[]) {
  const log = join(pod.dir, `${key}.strace`);
  traced.set(key, { pod, log });
  const [cmd, ...args] =
    argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : [process.execPath, BIN, ...argv];
  const child = spawn(
    strace,
    ['-f', '-qq', '-y', '-s', '4096', '-o', log, '-e', `trace=${WRITES}`, cmd as string, ...args],
    {
      cwd: pod.map('/app'),
      env: { ...process.env, NODE_ENV: 'production', TMPDIR: pod.map('/tmp'), HOME: pod.map('/home/node') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const ready = async (pattern: RegExp) => {
    for (let i = 0; i < 400 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const m = pattern.exec(out);
    if (!m) throw new Error(`${key}: no ${pattern} in: ${out}`);
    return m[1] as string;
  };
  /** Stops the program itself as the kubelet does (SIGTERM), not strace, and waits for it. */
  const stop = async () => {
    const pid = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
    if (pid) process.kill(Number(pid), 'SIGTERM');
    return exited;
  };
  return { exited, ready, stop, output: () => out };
}

/** The manifests' arguments, pointed at this machine: loopback, ports the system picks, a short load. */
function local(args: string[], pod: Pod, ports: Record<string, string>): string[] {
  const out = args.map((a) =>
    a
      .replace(/^\/.*/, (p) => pod.map(p))
      .replace(/\b(https?:\/\/)([a-z0-9-]+):(\d+)/g, (all, scheme: string, name: string) =>
        ports[name] ? `${scheme}127.0.0.1:${ports[name]}` : all,
      ),
  );
  const set = (flag: string, value: string) => {
    const i = out.indexOf(flag);
    if (i >= 0) out[i + 1] = value;
  };
  set('--host', '127.0.0.1');
  set('--port', '0');
  set('-r', '30,30,30');
  set('-d', '1s');
  set('--ship-wait', '30s');
  return out;
}

describe('the Kubernetes containers, on a read-only root filesystem', () => {
  beforeAll(async () => {
    requireBuild();
    engineBinary(); // built now, not under the trace (the image has it built)
    strace = requireTool('strace', 'strace');
    dir = mkdtempSync(join(tmpdir(), 'busybench-k8s-writes-'));
    const pods = {
      mock: podSpec('mock.yaml', 'Deployment', 'busybench-mock'),
      collector: podSpec('collector.yaml', 'Deployment', 'busybench-collector'),
      runners: podSpec('runners.yaml', 'Job', 'busybench-runners'),
    };
    const fields = {
      'metadata.name': 'busybench-runners-0-test',
      "metadata.annotations['batch.kubernetes.io/job-completion-index']": '0',
    };
    const pod = (name: keyof typeof pods, c: Container) => new Pod(join(dir, name), pods[name], c);

    const mockPod = pod('mock', pods.mock.containers[0] as Container);
    const mock = start('mock', mockPod, local(expanded(mockPod.container, fields), mockPod, {}));
    const mockPort = await mock.ready(/listening on http:\/\/127\.0\.0\.1:(\d+)/);

    const collectorPod = pod('collector', pods.collector.containers[0] as Container);
    const ports: Record<string, string> = { 'busybench-mock': mockPort, 'busybench-mock-nodes': mockPort };
    const collector = start(
      'collector',
      collectorPod,
      local(expanded(collectorPod.container, fields), collectorPod, ports),
    );
    ports['busybench-collector'] = await collector.ready(/live page http:\/\/127\.0\.0\.1:(\d+)\//);

    // One pod, two containers: the emptyDirs are the same folders.
    const init = pods.runners.initContainers?.[0] as Container;
    const initPod = pod('runners', init);
    const wait = start('wait-for-mock', initPod, local(expanded(init, fields), initPod, ports));
    expect(await wait.exited, wait.output()).toBe(0);
    const runnerPod = pod('runners', pods.runners.containers[0] as Container);
    const runner = start('runner', runnerPod, local(expanded(runnerPod.container, fields), runnerPod, ports));
    // 99 is the SLA broken: still a run that ended and wrote what it writes.
    expect([0, 99], runner.output()).toContain(await runner.exited);

    expect(await collector.stop(), collector.output()).toBe(0); // it writes the report on SIGTERM
    await mock.stop();
  }, 90_000);

  afterAll(() => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['mock', 'collector', 'wait-for-mock', 'runner'])(
    '%s writes only to volumes it mounts writable',
    (key) => {
      const { pod, log } = traced.get(key) as { pod: Pod; log: string };
      const outside = writtenPaths(log)
        .map((p) => pod.judge(p))
        .filter((w) => !w.writable)
        .map((w) => w.pod);
      expect(outside, `${key} writes where its root filesystem is read-only`).toEqual([]);
    },
  );

  // What deploy/kubernetes/README.md says is written, and where ("Who reaches whom, and what is read-only").
  it('write what the README says, where it says', () => {
    const where = Object.fromEntries(
      [...traced].map(([key, { pod, log }]) => [
        key,
        [...new Set(writtenPaths(log).map((p) => pod.judge(p).pod))]
          .filter((p) => !p.endsWith('.tmp'))
          .sort(),
      ]),
    );
    expect(where.mock).toEqual([]);
    expect(where['wait-for-mock']).toEqual([]);
    expect(where.collector).toEqual(expect.arrayContaining(['/data/report.html', '/data/run']));
    expect(where.collector?.every((p) => p.startsWith('/data/'))).toBe(true);
    // The summary, the plan beside it, the batches in the spool (the engine empties it once the
    // collector has them all; removing /spool itself then fails in a pod, a mount, and is ignored).
    expect(where.runner).toEqual(expect.arrayContaining(['/tmp/summary.json', '/tmp/summary.plan.json']));
    expect(where.runner?.some((p) => p.startsWith('/spool/'))).toBe(true);
    expect(where.runner?.every((p) => /^\/(tmp|spool)(\/|$)/.test(p))).toBe(true);
  });
});
