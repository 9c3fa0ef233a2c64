import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { engineBinary } from '../../runner/src/engine-binary.js';
import { startMockProcess } from '../../runner/src/mock-process.js';
import { requireBuild } from '../cli/cli-helpers.js';

/** What a test started, stopped after it: mocks, proxies. */
const started: Array<() => Promise<unknown>> = [];

/**
 * For tests that load a mock with the built CLI and the Go engine: checks the build, builds the
 * engine once, and stops after each test whatever `mockProcess` or `stopAfter` started.
 */
export function withEngineAndMocks(): void {
  beforeAll(() => {
    requireBuild();
    engineBinary();
  });
  afterEach(async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  });
}

/** Stops `stop` after the current test. */
export function stopAfter(stop: () => Promise<unknown>): void {
  started.push(stop);
}

/**
 * The mock as `busybench run` starts it, in a process of its own (in the test worker its timers
 * would share vitest's event loop), with `config` over the defaults; stopped after the test.
 */
export async function mockProcess(
  config: object,
  nodes = 1,
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'busybench-test-mock-'));
  writeFileSync(join(dir, 'mock.json'), JSON.stringify(config));
  const mock = await startMockProcess({ nodes, config: join(dir, 'mock.json'), log: join(dir, 'mock.log') });
  stopAfter(() => mock.stop());
  return { url: mock.urls[0] as string, stop: () => mock.stop() };
}
