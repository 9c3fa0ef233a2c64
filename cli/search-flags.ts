import type { Command } from 'commander';
import { parseDurationMs } from '../common/duration.js';
import { DEFAULT_SEARCH, type SearchOptions } from '../runner/src/capacity-search.js';

/** `--search` and its companions, as `run` and `compare` take them. */
export interface SearchFlags {
  search?: boolean;
  searchFrom: string;
  resolution: string;
  probeDuration: string;
  maxProbes: string;
}

export function withSearchOptions(command: Command, what: string): Command {
  return command
    .option('--search', `find ${what} sustained rate (every SLA line held) by search, in place of the steps`)
    .option('--search-from <r>', 'with --search: the first rate probed, req/s', String(DEFAULT_SEARCH.from))
    .option(
      '--resolution <pct>',
      'with --search: stop when the bracket [held, broke] is this narrow, %',
      String(DEFAULT_SEARCH.resolution * 100),
    )
    .option('--probe-duration <dur>', 'with --search: each probe, at one constant rate', '10s')
    .option(
      '--max-probes <n>',
      'with --search: probes per strategy at most',
      String(DEFAULT_SEARCH.maxProbes),
    );
}

/** The search's options, every problem added; undefined without --search. */
export function searchFlags(
  flags: SearchFlags,
  problems: string[],
): { options: SearchOptions; probeSeconds: number } | undefined {
  if (!flags.search) return undefined;
  const from = Number(flags.searchFrom);
  if (!(from >= 1 && from <= 100_000))
    problems.push(`--search-from "${flags.searchFrom}" must be a rate from 1 to 100000`);
  const resolution = Number(flags.resolution);
  if (!(resolution >= 1 && resolution <= 50))
    problems.push(`--resolution "${flags.resolution}" must be a percentage from 1 to 50`);
  const maxProbes = Number(flags.maxProbes);
  if (!Number.isInteger(maxProbes) || maxProbes < 2 || maxProbes > 50)
    problems.push(`--max-probes "${flags.maxProbes}" must be a whole number from 2 to 50`);
  let probeMs = 0;
  try {
    probeMs = parseDurationMs(flags.probeDuration);
  } catch {
    problems.push(`--probe-duration "${flags.probeDuration}" is not a duration (e.g. 10s)`);
  }
  if (probeMs > 0 && probeMs < 2000)
    problems.push('--probe-duration must be 2s or more (a probe needs requests to judge)');
  return {
    options: { ...DEFAULT_SEARCH, from: Math.round(from), resolution: resolution / 100, maxProbes },
    probeSeconds: probeMs / 1000,
  };
}
