import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { packageRoot } from '../common/paths.js';
import { describeTrace } from '../loadtests/trace-plan.js';
import { runBenchmark } from '../runner/src/benchmark.js';
import { searchMarkdown } from '../runner/src/scoreboard.js';
import { runSearch } from '../runner/src/search-run.js';
import type { SearchSection } from '../runner/src/search-section.js';
import { checkStrategySpec, parseStrategySpec, type StrategySpec } from '../strategies/src/start-strategy.js';
import {
  type BenchmarkFlags,
  benchmarkOptions,
  onInterrupt,
  withBenchmarkOptions,
} from './benchmark-flags.js';
import { fail, UsageError } from './fail.js';
import { EXIT_SLA_BREACHED } from './report-command.js';
import { type SearchFlags, searchFlags, withSearchOptions } from './search-flags.js';
import { traceMockConfig } from './trace-mock-config.js';

/** The capacity experiment's mock: `run --search` probes it unless `--mock-config` names another. */
const CAPACITY_MOCK = join(packageRoot(), 'runner', 'experiments', 'capacity-mock.yaml');

/** `busybench run`: one strategy through one whole benchmark; exits with the SLA verdict. */
export function runCommand(): Command {
  return withBenchmarkOptions(
    withSearchOptions(new Command('run'), "the strategy's")
      .description(
        'benchmark one strategy: mock + scenario, strategy, collector, stack, load engine; report and SLA verdict',
      )
      .option(
        '-s, --strategy <spec>',
        'a reference strategy (name or name:key=value,...), nginx, none (load straight at the mock), or a URL',
        'passthrough',
      ),
  ).action(async (flags: BenchmarkFlags & SearchFlags & { strategy: string }) => {
    try {
      const problems: string[] = [];
      const search = searchFlags(flags, problems);
      if (search && flags.trace) problems.push('--search probes constant rates: not with --trace');
      if (problems.length > 0) throw new UsageError('bad flags', problems);
      const o = benchmarkOptions(flags, 'run');
      const strategy = parseStrategySpec(flags.strategy);
      checkStrategySpec(strategy);
      const interrupted = onInterrupt();
      if (search) process.exit(await runSearchCommand(o, strategy, search, interrupted));
      // A trace's answers are as long as its rows ask, unless the user brings a mock config.
      const trace = o.plan.trace;
      let mockConfig = o.mockConfig;
      if (trace && mockConfig === undefined) {
        mkdirSync(resolve(o.out), { recursive: true });
        mockConfig = traceMockConfig(resolve(o.out), trace.info);
      }
      if (trace) process.stdout.write(`busybench run: ${describeTrace(trace.spec.file, trace.info)}\n`);
      const result = await runBenchmark({
        ...o,
        ...(mockConfig === undefined ? {} : { mockConfig }),
        strategy,
        stack: o.stack ? 'auto' : 'off',
        interrupted,
      });
      process.exit(result.view.verdict.passed ? 0 : EXIT_SLA_BREACHED);
    } catch (err) {
      fail(err);
    }
  });
}

/**
 * `run --search`: the strategy's sustained rate (runner/src/search-run.ts) on the run's mock
 * (`--mock-config`, else the capacity experiment's), printed as the scoreboard's search table and
 * written to `<out>/search.json`; exit 0 when a rate held, 99 when none did.
 */
async function runSearchCommand(
  o: ReturnType<typeof benchmarkOptions>,
  strategy: StrategySpec,
  search: NonNullable<ReturnType<typeof searchFlags>>,
  interrupted: () => boolean,
): Promise<number> {
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const mockConfig = o.mockConfig ?? CAPACITY_MOCK;
  const print = (l: string) => process.stdout.write(`${l}\n`);
  const result = await runSearch({
    benchmark: { ...o, mockConfig, stack: 'off', interrupted },
    spec: strategy,
    out,
    probeSeconds: search.probeSeconds,
    search: search.options,
    print,
    interrupted,
  });
  const section: SearchSection = {
    experiment: 'search',
    probeSeconds: search.probeSeconds,
    resolution: search.options.resolution,
    mockConfig: basename(mockConfig),
    nodes: o.nodes,
    rows: [
      {
        strategy: strategy.name,
        sustainedRps: result.sustained,
        bracket: result.bracket,
        ended: result.ended,
        probes: result.probes,
      },
    ],
  };
  writeFileSync(join(out, 'search.json'), `${JSON.stringify(section, null, 2)}\n`);
  print(`\n${searchMarkdown(section, o.locale ?? 'en').join('\n')}`);
  return result.sustained === null ? EXIT_SLA_BREACHED : 0;
}
