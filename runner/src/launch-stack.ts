import { join } from 'node:path';
import { freePort } from '../../common/free-port.js';
import { missingTools, ownStack, type StackUrls, stackUp } from '../../stack/src/local-stack.js';

/** A local stack started for a run or a compare, and how to stop it. */
export interface LaunchedStack {
  readonly dir: string;
  readonly urls: StackUrls;
  stop(): Promise<unknown>;
}

/**
 * The launcher's part for the stack: Debian's Prometheus and Alertmanager, started in `<dir>/stack`
 * on free ports with their alerts sent to `collectorUrl`, and owned (stopped with us). Without
 * them installed: null, and one line saying what to install (a run still runs, without alerts).
 */
export async function launchStack(
  dir: string,
  collectorUrl: string,
  print: (line: string) => void,
  who: string,
): Promise<LaunchedStack | null> {
  const missing = missingTools();
  if (missing.length > 0) {
    print(
      `${who}: no ${missing.join(', ')} here, so no Prometheus alerts (apt-get install prometheus prometheus-alertmanager)`,
    );
    return null;
  }
  const stackDir = join(dir, 'stack');
  const urls = await stackUp({
    dir: stackDir,
    prometheusPort: await freePort(),
    alertmanagerPort: await freePort(),
    mockUrls: [],
    collectorUrl,
  });
  return { dir: stackDir, urls, stop: ownStack(stackDir) };
}
