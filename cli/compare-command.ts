import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { type BenchmarkResult, runBenchmark } from '../runner/src/benchmark.js';
import { scoreboard, scoreboardMarkdown } from '../runner/src/scoreboard.js';
import { scoreboardPage } from '../runner/src/scoreboard-page.js';
import { freePort } from '../stack/src/free-port.js';
import { missingTools, ownStack, stackUp } from '../stack/src/local-stack.js';
import { checkStrategySpec, parseStrategySpec } from '../strategies/src/start-strategy.js';
import {
  type BenchmarkFlags,
  benchmarkOptions,
  onInterrupt,
  withBenchmarkOptions,
} from './benchmark-flags.js';
import { fail } from './fail.js';

export const DEFAULT_STRATEGIES = 'passthrough,retry,balance-lor,nginx';

/**
 * `busybench compare`: the same scenario and load against several strategies in turn (a fresh
 * mock each time), then the scoreboard — HTML with charts, markdown, JSON — and a terminal table.
 * The first strategy is the baseline of the before/after view.
 */
export function compareCommand(): Command {
  return withBenchmarkOptions(
    new Command('compare')
      .description('run the same scenario and load against several strategies and write a scoreboard')
      .option(
        '--strategies <list>',
        'comma-separated; the first is the baseline (name:key=value;... sets options)',
        DEFAULT_STRATEGIES,
      ),
  ).action(async (flags: BenchmarkFlags & { strategies: string }) => {
    try {
      const o = benchmarkOptions(flags, 'compare');
      const specs = flags.strategies
        .split(',')
        .filter(Boolean)
        .map((s) => parseStrategySpec(s.replaceAll(';', ',')));
      // Every name and option checked before the first run starts, not half-way through.
      for (const spec of specs) checkStrategySpec(spec);
      const interrupted = onInterrupt();
      const out = resolve(o.out);
      mkdirSync(out, { recursive: true });
      // One stack and one collector port for every run, so alerts keep reaching the collector.
      const collectorPort = await freePort();
      let stack: { dir: string; urls: Awaited<ReturnType<typeof stackUp>> } | 'off' = 'off';
      let stopStack: () => Promise<unknown> = async () => {};
      const missing = missingTools();
      if (o.stack && missing.length > 0)
        process.stdout.write(
          `busybench compare: no ${missing.join(', ')} here, so no Prometheus alerts (apt-get install prometheus prometheus-alertmanager)\n`,
        );
      if (o.stack && missing.length === 0) {
        const dir = join(out, 'stack');
        const urls = await stackUp({
          dir,
          prometheusPort: await freePort(),
          alertmanagerPort: await freePort(),
          mockUrls: [],
          collectorUrl: `http://127.0.0.1:${collectorPort}`,
        });
        stack = { dir, urls };
        stopStack = ownStack(dir);
        process.stdout.write(
          `busybench compare: Prometheus ${urls.prometheus}, Alertmanager ${urls.alertmanager}\n`,
        );
      }
      const results: BenchmarkResult[] = [];
      try {
        for (const [i, spec] of specs.entries()) {
          if (interrupted()) break;
          process.stdout.write(`\n== ${i + 1}/${specs.length}: ${spec.name} ==\n`);
          // One strategy that cannot start (nginx missing, a URL down) does not cost the others.
          const result = await runBenchmark({
            ...o,
            strategy: spec,
            out: join(out, `${i + 1}-${spec.name.replace(/\W+/g, '-')}`),
            stack,
            collectorPort,
            interrupted,
          }).catch((err: Error) => {
            process.stderr.write(
              `busybench compare: ${spec.name} failed, left out of the scoreboard: ${err.message}\n`,
            );
            return null;
          });
          if (result) results.push(result);
        }
      } finally {
        await stopStack();
      }
      if (results.length === 0) throw new Error('no strategy ran to the end: nothing to compare');
      const board = scoreboard(
        results.map((r) => r.overall),
        { scenario: o.scenario, profile: o.load.profile, rates: o.load.rates ?? 'default' },
      );
      const md = scoreboardMarkdown(board);
      writeFileSync(join(out, 'scoreboard.md'), md);
      writeFileSync(join(out, 'scoreboard.json'), `${JSON.stringify(board, null, 2)}\n`);
      writeFileSync(join(out, 'scoreboard.html'), scoreboardPage(board));
      process.stdout.write(
        `\n${md}\nscoreboard: ${join(out, 'scoreboard.html')} (also .md, .json); per-run reports in ${out}/<n>-<strategy>/\n`,
      );
      process.exit(0);
    } catch (err) {
      fail(err);
    }
  });
}
