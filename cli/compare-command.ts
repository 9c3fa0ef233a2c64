import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseDurationMs } from '../common/duration.js';
import { freePort } from '../common/free-port.js';
import { messagesFor } from '../common/i18n/catalogue.js';
import { SCOREBOARD_MESSAGES } from '../common/i18n/messages/scoreboard.js';
import { packageRoot } from '../common/paths.js';
import { loadScenario } from '../mock-server/src/busy/scenario.js';
import { DEFAULT_CONFIG } from '../mock-server/src/config/defaults.js';
import { ELASTIC_BURST_STEPS, EXPERIMENTS, type Experiment, runCompare } from '../runner/src/compare.js';
import { launchStack } from '../runner/src/launch-stack.js';
import { scoreboardMarkdown } from '../runner/src/scoreboard.js';
import { scoreboardPage } from '../runner/src/scoreboard-page.js';
import { checkStrategySpec, parseStrategySpec } from '../strategies/src/start-strategy.js';
import {
  type BenchmarkFlags,
  benchmarkOptions,
  onInterrupt,
  withBenchmarkOptions,
} from './benchmark-flags.js';
import { fail, UsageError } from './fail.js';
import { traceExperimentInput } from './load-command.js';
import { type SearchFlags, searchFlags, withSearchOptions } from './search-flags.js';
import { traceMockConfig } from './trace-mock-config.js';

/**
 * The main job's line-up. HAProxy keeps 150 connections a node: the capacity experiment's nodes
 * generate 150 answers at once, so it queues rather than pass their 503s on.
 */
export const DEFAULT_STRATEGIES = 'passthrough,retry,balance-lor,nginx,haproxy:maxconn=150';
export const DEFAULT_CAPACITY_RATES = '600,900,1200,1500,2000,3000';
export const DEFAULT_CAPACITY_STEP = '6s';

interface CompareFlags extends BenchmarkFlags, SearchFlags {
  strategies: string;
  experiment: string;
  repeat: string;
  order: string;
  capacityConfig: string;
  faultRate: string;
  faultDuration?: string;
  elasticRates: string;
  elasticStep: string;
  elasticScenario: string;
  elasticSpeed: string;
}

/**
 * `busybench compare`: the capacity and the faults experiment against several strategies, each
 * run --repeat times in interleaved order (a fresh mock each run), then the scoreboard — HTML with
 * charts, markdown, JSON — and a terminal table. The first strategy is the before/after baseline.
 */
export function compareCommand(): Command {
  return withBenchmarkOptions(
    withSearchOptions(new Command('compare'), "each strategy's (capacity experiment)")
      .description(
        'run the capacity and the fault experiment against several strategies, repeated and interleaved, and write a scoreboard with 95 % intervals',
      )
      .option(
        '--strategies <list>',
        'comma-separated; the first is the baseline (name:key=value;... sets options)',
        DEFAULT_STRATEGIES,
      )
      .option(
        '--experiment <list>',
        `which experiments: ${EXPERIMENTS.join(', ')} (both: capacity,faults; trace needs --trace)`,
        'capacity,faults',
      )
      .option(
        '--repeat <n>',
        'runs of every strategy per experiment, interleaved (5 or more: intervals over runs)',
        '1',
      )
      .option(
        '--order <how>',
        'run order within a round: interleaved (as listed) or shuffled (seeded by --seed)',
        'interleaved',
      )
      .option(
        '--capacity-config <file>',
        "capacity experiment: the mock's config, whose capacity the steps cross",
        join(packageRoot(), 'runner', 'experiments', 'capacity-mock.yaml'),
      )
      .option('--fault-rate <r>', 'fault experiment: the constant rate, req/s', '1000')
      .option(
        '--fault-duration <dur>',
        "fault experiment: how long (default the scenario's length at its speed)",
      )
      .option(
        '--elastic-rates <base,burst>',
        `elastic experiment: the base rate for a step, then the burst's for ${ELASTIC_BURST_STEPS} steps, req/s`,
        '300,1200',
      )
      .option('--elastic-step <dur>', "elastic experiment: a step's length", '10s')
      .option(
        '--elastic-scenario <name|file>',
        'elastic experiment: a scenario with an autoscale block (mock-server/README.md, "Elastic capacity")',
        join(packageRoot(), 'runner', 'experiments', 'elastic-scenario.yaml'),
      )
      .option(
        '--elastic-speed <n>',
        "elastic experiment: the scenario's speed (its sync period and start delay divided by it)",
        '5',
      ),
    { scenario: 'outage-recovery', scenarioSpeed: '4' },
  ).action(async (flags: CompareFlags) => {
    try {
      const problems: string[] = [];
      const experiments = (flags.experiment === 'both' ? 'capacity,faults' : flags.experiment)
        .split(',')
        .filter(Boolean) as Experiment[];
      if (experiments.length === 0 || experiments.some((e) => !EXPERIMENTS.includes(e)))
        problems.push(
          `--experiment "${flags.experiment}" must be a list of ${EXPERIMENTS.join(', ')}, or both`,
        );
      const traced = experiments.includes('trace');
      if (traced && flags.trace === undefined)
        problems.push(
          'the trace experiment needs --trace FILE (e.g. loadtests/traces/azure-conv-2023-excerpt.csv)',
        );
      if (!traced && flags.trace !== undefined)
        problems.push(
          '--trace goes with --experiment …,trace (compare replays it as an experiment of its own)',
        );
      if (traced && flags.scenario === 'none')
        problems.push('the trace experiment plays the --scenario over its replay: give one');
      const trace = traced && flags.trace !== undefined ? traceExperimentInput(flags, problems) : undefined;
      const repeat = Number(flags.repeat);
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50)
        problems.push(`--repeat "${flags.repeat}" must be a whole number from 1 to 50`);
      if (flags.order !== 'interleaved' && flags.order !== 'shuffled')
        problems.push(`--order "${flags.order}" must be interleaved or shuffled`);
      const faultRate = Number(flags.faultRate);
      if (!(faultRate > 0)) problems.push(`--fault-rate "${flags.faultRate}" must be a rate above 0`);
      // --rates is checked with the other load flags (planInput): one line when it is bad.
      const capacityRates = (flags.rates ?? DEFAULT_CAPACITY_RATES).split(',').map(Number);
      const faults = experiments.includes('faults');
      if (faults && flags.scenario === 'none')
        problems.push('the faults experiment needs a --scenario (or --experiment capacity)');
      let faultSeconds = 0;
      try {
        faultSeconds = flags.faultDuration
          ? parseDurationMs(flags.faultDuration) / 1000
          : faults && flags.scenario !== 'none'
            ? Math.ceil(
                loadScenario(flags.scenario, DEFAULT_CONFIG.behaviour).durationMs /
                  1000 /
                  Number(flags.scenarioSpeed),
              )
            : 0;
      } catch (err) {
        problems.push((err as Error).message);
      }
      if (faults && !(faultSeconds > 0)) problems.push('--fault-duration must be above 0');
      const elasticRates = flags.elasticRates.split(',').map(Number);
      const elasticSpeed = Number(flags.elasticSpeed);
      let elasticStepS = 0;
      if (experiments.includes('elastic')) {
        const [base = Number.NaN, burst = Number.NaN] = elasticRates;
        if (elasticRates.length !== 2 || !(base > 0) || !(burst > base))
          problems.push(
            `--elastic-rates "${flags.elasticRates}" must be two rates, base,burst, the burst the higher`,
          );
        if (!(elasticSpeed > 0)) problems.push(`--elastic-speed "${flags.elasticSpeed}" must be above 0`);
        try {
          elasticStepS = parseDurationMs(flags.elasticStep) / 1000;
          if (!(elasticStepS >= 1)) problems.push(`--elastic-step "${flags.elasticStep}" must be 1s or more`);
        } catch (err) {
          problems.push(`--elastic-step: ${(err as Error).message}`);
        }
        try {
          if (!loadScenario(flags.elasticScenario, DEFAULT_CONFIG.behaviour).autoscale)
            problems.push(
              `--elastic-scenario ${flags.elasticScenario} has no autoscale block: its capacity would not move`,
            );
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
      if (flags.search && !experiments.includes('capacity'))
        problems.push('--search goes with --experiment capacity');
      const search = searchFlags(flags, problems);
      let o: ReturnType<typeof benchmarkOptions> | undefined;
      try {
        o = benchmarkOptions(
          {
            ...flags,
            // The trace is an experiment of its own here (above), not the other runs' schedule.
            trace: undefined,
            rates: flags.rates ?? DEFAULT_CAPACITY_RATES,
            stepDuration: flags.stepDuration ?? DEFAULT_CAPACITY_STEP,
          },
          'compare',
        );
      } catch (err) {
        const e = err as UsageError;
        problems.push(...(e.problems?.length ? e.problems : [e.message]));
      }
      const specs = flags.strategies
        .split(',')
        .filter(Boolean)
        .map((s) => parseStrategySpec(s.replaceAll(';', ',')));
      // Every name and option checked before the first run starts, not half-way through.
      for (const spec of specs)
        try {
          checkStrategySpec(spec);
        } catch (err) {
          problems.push((err as Error).message);
        }
      if (problems.length > 0 || !o) throw new UsageError('bad flags', problems);
      const interrupted = onInterrupt();
      const out = resolve(o.out);
      mkdirSync(out, { recursive: true });
      // One stack and one collector port for every run, so alerts keep reaching the collector.
      const collectorPort = await freePort();
      const launched = o.stack
        ? await launchStack(
            out,
            `http://127.0.0.1:${collectorPort}`,
            (l) => process.stdout.write(`${l}\n`),
            'busybench compare',
          )
        : null;
      if (launched)
        process.stdout.write(
          `busybench compare: Prometheus ${launched.urls.prometheus}, Alertmanager ${launched.urls.alertmanager}\n`,
        );
      const stack = launched ? { dir: launched.dir, urls: launched.urls } : 'off';
      const stopStack = launched ? launched.stop : async () => {};
      const traceRun = trace
        ? {
            ...trace,
            mockConfig: traceMockConfig(out, trace.info),
            scenario: flags.scenario,
            // The timeline stretched (or squeezed) over the replay: its phases meet the trace's.
            speed: loadScenario(flags.scenario, DEFAULT_CONFIG.behaviour).durationMs / trace.info.durationMs,
          }
        : undefined;
      const board = await runCompare({
        ...o,
        strategies: specs,
        experiments,
        repeat,
        order: flags.order as 'interleaved' | 'shuffled',
        seed: Number(flags.seed ?? 1),
        capacity: { mockConfig: resolve(flags.capacityConfig), rates: capacityRates },
        faults: {
          scenario: flags.scenario,
          speed: Number(flags.scenarioSpeed),
          rate: faultRate,
          seconds: faultSeconds,
          mockConfig: o.mockConfig,
        },
        elastic: {
          // A file by its absolute path (runs start elsewhere); a built-in by its name.
          scenario: existsSync(flags.elasticScenario)
            ? resolve(flags.elasticScenario)
            : flags.elasticScenario,
          speed: elasticSpeed,
          rates: [elasticRates[0] ?? 0, elasticRates[1] ?? 0],
          stepSeconds: elasticStepS,
          mockConfig: o.mockConfig,
        },
        ...(traceRun ? { trace: traceRun } : {}),
        ...(search ? { search } : {}),
        out,
        stack,
        collectorPort,
        interrupted,
        print: (l) => process.stdout.write(`${l}\n`),
      }).finally(stopStack);
      const locale = o.locale ?? 'en';
      const md = scoreboardMarkdown(board, locale);
      writeFileSync(join(out, 'scoreboard.md'), md);
      writeFileSync(join(out, 'scoreboard.json'), `${JSON.stringify(board, null, 2)}\n`);
      writeFileSync(join(out, 'scoreboard.html'), scoreboardPage(board, locale));
      const written = messagesFor(SCOREBOARD_MESSAGES, locale).written(join(out, 'scoreboard.html'), out);
      process.stdout.write(`\n${md}\n${written}\n`);
      process.exit(0);
    } catch (err) {
      fail(err);
    }
  });
}
