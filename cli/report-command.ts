import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ingestFile } from '../collector/src/ingest-file.js';
import { judge } from '../collector/src/sla-verdict.js';
import { goodputBound, RunStats } from '../collector/src/step-stats.js';
import { terminalReport } from '../collector/src/terminal-report.js';
import { packageRoot } from '../mock-server/src/paths.js';
import { fail, UsageError } from './fail.js';
import { loadSla } from './sla-file.js';

/** Exit code of an SLA breach, the same as k6's for a broken threshold. */
export const EXIT_SLA_BREACHED = 99;

export function reportCommand(): Command {
  return new Command('report')
    .description('rebuild the report of a run from its saved results (busybench load --results)')
    .argument('<results>', 'k6 NDJSON results, .gz or not')
    .option('--sla <file>', 'SLA file to judge against (default loadtests/sla.yaml)')
    .option('--json <file>', 'also write the per-step figures and the verdict as JSON')
    .action(async (results: string, flags: { sla?: string; json?: string }) => {
      try {
        if (!existsSync(results)) throw new UsageError(`no results file at ${results}`);
        const sla = loadSla(flags.sla ?? join(packageRoot(), 'loadtests', 'sla.yaml'));
        const run = new RunStats(goodputBound(sla.latencyMs));
        const { complete } = await ingestFile(results, run);
        if (!complete)
          process.stderr.write(
            `busybench: ${results} ends early (a run cut short); the report covers what was written\n`,
          );
        const steps = run.summaries();
        if (steps.length === 0)
          throw new UsageError(
            `${results} holds no busybench_latency samples: is it from busybench load --results?`,
          );
        const verdict = judge(sla, steps, run.droppedIterations);
        process.stdout.write(terminalReport(steps, verdict, run.malformedLines));
        if (flags.json) {
          const doc = {
            results,
            sla,
            steps,
            droppedIterations: run.droppedIterations,
            malformedLines: run.malformedLines,
            verdict,
          };
          writeFileSync(flags.json, `${JSON.stringify(doc, null, 2)}\n`);
        }
        process.exit(verdict.passed ? 0 : EXIT_SLA_BREACHED);
      } catch (err) {
        fail(err);
      }
    });
}
