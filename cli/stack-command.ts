import { Command } from 'commander';
import { readTokenFile } from '../common/bearer-token.js';
import { stackDown, stackUp } from '../stack/src/local-stack.js';
import { fail, UsageError } from './fail.js';
import { portFlag, urlsFlag } from './flag-checks.js';

interface UpFlags {
  dir: string;
  prometheusPort: string;
  alertmanagerPort: string;
  mock: string;
  collector: string;
  collectorTokenFile?: string;
  strategy?: string;
}

/** `busybench stack up|down`: Prometheus and Alertmanager on loopback, without Docker. */
export function stackCommand(): Command {
  const stack = new Command('stack').description(
    "the local Prometheus + Alertmanager (Debian's packages) with busybench's rules, without Docker",
  );
  stack
    .command('up')
    .description('start them (scraping the mock and the collector every second), wait until ready')
    .option('--dir <dir>', 'configs, data, logs and pids', '.busybench/stack')
    .option('--prometheus-port <port>', 'Prometheus port', '9090')
    .option('--alertmanager-port <port>', 'Alertmanager port', '9093')
    .option('--mock <urls>', 'mock nodes to scrape (comma-separated)', 'http://127.0.0.1:8000')
    .option(
      '--collector <url>',
      'the collector: scraped, and the webhook alerts go to',
      'http://127.0.0.1:9464',
    )
    .option(
      '--collector-token-file <file>',
      "the collector's token (its --token-file): the alert webhook sends it",
    )
    .option('--strategy <urls>', 'a strategy exposing busybench metrics, to scrape too')
    .action(async (flags: UpFlags) => {
      try {
        const problems: string[] = [];
        const options = {
          dir: flags.dir,
          prometheusPort: portFlag('prometheus-port', flags.prometheusPort, problems),
          alertmanagerPort: portFlag('alertmanager-port', flags.alertmanagerPort, problems),
          mockUrls: urlsFlag('mock', flags.mock, problems),
          collectorUrl: urlsFlag('collector', flags.collector, problems)[0] ?? '',
          strategyUrls: urlsFlag('strategy', flags.strategy ?? '', problems),
          ...(flags.collectorTokenFile === undefined ? {} : { collectorTokenFile: flags.collectorTokenFile }),
        };
        // Checked now, with the other flags: Alertmanager would only find out at its first alert.
        if (flags.collectorTokenFile !== undefined)
          try {
            readTokenFile(flags.collectorTokenFile, '--collector-token-file');
          } catch (err) {
            problems.push((err as Error).message);
          }
        if (problems.length > 0) throw new UsageError('bad flags', problems);
        process.stdout.write('busybench stack: starting prometheus and alertmanager…\n');
        const up = await stackUp(options);
        process.stdout.write(
          `busybench stack up: prometheus ${up.prometheus} (rules loaded, remote write on), alertmanager ${up.alertmanager} → ${options.collectorUrl}/api/alerts\n` +
            `stop with: busybench stack down${flags.dir === '.busybench/stack' ? '' : ` --dir ${flags.dir}`}\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
  stack
    .command('down')
    .description('stop what up started')
    .option('--dir <dir>', 'the directory up used', '.busybench/stack')
    .action(async (flags: { dir: string }) => {
      try {
        const stopped = await stackDown(flags.dir);
        process.stdout.write(
          stopped ? 'busybench stack down: stopped\n' : 'busybench stack: nothing was running\n',
        );
      } catch (err) {
        fail(err);
      }
    });
  return stack;
}
