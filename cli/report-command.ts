import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { reportPage } from '../collector/src/html-page.js';
import { ingestFile } from '../collector/src/ingest-file.js';
import { stateText } from '../collector/src/report-words.js';
import { EVENTS_FILE, runnerOfFile } from '../collector/src/results-receiver.js';
import { eventsPathFor, RunEvents } from '../collector/src/run-events.js';
import { runView } from '../collector/src/run-view.js';
import { goodputBound, RunStats } from '../collector/src/step-stats.js';
import { terminalReport } from '../collector/src/terminal-report.js';
import { runKpis, stepKpis, UpstreamTimeline } from '../collector/src/upstream.js';
import { messagesFor } from '../common/i18n/catalogue.js';
import { REPORT_MESSAGES } from '../common/i18n/messages/report.js';
import { loadSla } from '../common/sla/sla-file.js';
import { fail, UsageError } from './fail.js';
import { throwIfProblems } from './flag-checks.js';
import { LANG_OPTION, langFlag } from './lang-flag.js';

/** Exit code of an SLA breach, the same as k6's for a broken threshold. */
export const EXIT_SLA_BREACHED = 99;

interface ReportFlags {
  sla?: string;
  json?: string;
  html?: string;
  events?: string;
  runId?: string;
  lang?: string;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('rebuild the report of a run from its saved results (busybench load --results)')
    .argument(
      '<results...>',
      "the engine's results or k6's NDJSON, .gz or not; several (one per load generator) merge into one report; a directory busybench collect --receive wrote: every runner's file in it",
    )
    .option(
      '--sla <file>',
      'SLA file to judge against (default: success >= 99.95 %, p99 < 800 ms, TTFT p99 < 2 s on streams, as loadtests/sla.yaml)',
    )
    .option('--json <file>', 'also write the whole report as JSON')
    .option('--html <file>', 'also write the report as one self-contained HTML file (charts inlined)')
    .option(
      '--events <file>',
      'phases, alerts and upstream counts busybench collect saved (default <first results>.events.ndjson, or _events.ndjson in a directory)',
    )
    .option('--run-id <id>', 'name the run in the report (default: the results file name)')
    .option(...LANG_OPTION)
    .action(async (args: string[], flags: ReportFlags) => {
      try {
        const problems: string[] = [];
        const locale = langFlag(flags.lang, problems);
        throwIfProblems(problems);
        const m = messagesFor(REPORT_MESSAGES, locale);
        const missing = args.filter((f) => !existsSync(f));
        if (missing.length > 0) throw new UsageError(`no results file at ${missing.join(', ')}`);
        const files = args.flatMap(receivedFiles);
        if (files.length === 0) throw new UsageError(`${args.join(', ')} holds no runner's results`);
        const results = files[0] as string;
        const dir = args.find((a) => statSync(a).isDirectory());
        const eventsDefault = dir !== undefined ? join(dir, EVENTS_FILE) : eventsPathFor(results);
        if (flags.events && !existsSync(flags.events))
          throw new UsageError(`no events file at ${flags.events}`);
        const sla = loadSla(flags.sla);
        const run = new RunStats(goodputBound(sla.latencyMs));
        for (const file of files) {
          // Each file is a load generator of its own: its target rate adds to the others' per step.
          run.beginSource(`file ${file}`);
          const { complete } = await ingestFile(file, run);
          if (!complete)
            process.stderr.write(
              `busybench: ${file} ends early (a run cut short); the report covers what was written\n`,
            );
        }
        if (run.steps.size === 0)
          throw new UsageError(
            `${files.join(', ')} holds no busybench_latency samples nor engine requests: is it from busybench load --results?`,
          );
        const saved = RunEvents.load(flags.events ?? eventsDefault);
        if (saved.malformed > 0)
          process.stderr.write(`busybench: ${saved.malformed} unreadable event line(s) skipped\n`);
        // The mock's ground truth as the collector scraped it: amplification and error masking.
        const timeline = new UpstreamTimeline(Number.POSITIVE_INFINITY);
        for (const c of saved.events.upstreamCounts) timeline.add(c);
        // The strategy's queue as scraped: the SLA's queue line is judged again on it.
        for (const q of saved.events.queueReadings) run.queue.add(q.time, q.queueLength);
        const scraped = saved.events.upstreamCounts.length > 0;
        const upstream = scraped ? runKpis(run, timeline) : null;
        const view = runView({
          runId: flags.runId ?? dir ?? results,
          live: false,
          sla,
          run,
          events: saved.events,
          kpis: scraped ? stepKpis(run, timeline) : undefined,
          ...(upstream ? { runKpis: () => upstream } : {}),
        });
        process.stdout.write(
          terminalReport(view.steps, view.verdict, run.malformedLines, view.runners, locale, view.users),
        );
        if (upstream) {
          const num = (v: number | null) => (v === null ? '-' : v.toFixed(3));
          process.stdout.write(
            `${m.upstreamLine(num(upstream.amplification), num(upstream.errorMasking))}\n`,
          );
        }
        for (const r of view.recovery)
          process.stdout.write(
            `${m.recoveryLine(r.phase, r.recoveryS === null ? stateText(m, 'status', r.status) : `${r.recoveryS.toFixed(1)} s`)}\n`,
          );
        if (flags.json)
          writeFileSync(flags.json, `${JSON.stringify({ results: files, ...view, upstream }, null, 2)}\n`);
        if (flags.html) writeFileSync(flags.html, reportPage(view, locale));
        process.exit(view.verdict.passed ? 0 : EXIT_SLA_BREACHED);
      } catch (err) {
        fail(err);
      }
    });
}

/** A file as given; a receiving directory as every runner's file in it. */
function receivedFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => runnerOfFile(name) !== null)
    .sort()
    .map((name) => join(path, name));
}
