import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { describeTrace } from '../loadtests/trace-plan.js';
import { runBenchmark } from '../runner/src/benchmark.js';
import { checkStrategySpec, parseStrategySpec } from '../strategies/src/start-strategy.js';
import {
  type BenchmarkFlags,
  benchmarkOptions,
  onInterrupt,
  withBenchmarkOptions,
} from './benchmark-flags.js';
import { fail } from './fail.js';
import { EXIT_SLA_BREACHED } from './report-command.js';
import { traceMockConfig } from './trace-mock-config.js';

/** `busybench run`: one strategy through one whole benchmark; exits with the SLA verdict. */
export function runCommand(): Command {
  return withBenchmarkOptions(
    new Command('run')
      .description(
        'benchmark one strategy: mock + scenario, strategy, collector, stack, load engine; report and SLA verdict',
      )
      .option(
        '-s, --strategy <spec>',
        'a reference strategy (name or name:key=value,...), nginx, none (load straight at the mock), or a URL',
        'passthrough',
      ),
  ).action(async (flags: BenchmarkFlags & { strategy: string }) => {
    try {
      const o = benchmarkOptions(flags, 'run');
      const strategy = parseStrategySpec(flags.strategy);
      checkStrategySpec(strategy);
      const interrupted = onInterrupt();
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
