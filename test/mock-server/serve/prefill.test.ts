import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProcess } from '../../../runner/src/mock-process.js';
import { requireBuild } from '../../cli/cli-helpers.js';
import { KEY } from '../../helpers/mock.js';

const BASE_MS = 200;
const PER_TOKEN_MS = 0.05;
let mock: { urls: string[]; stop(): Promise<void> };

beforeAll(async () => {
  requireBuild();
  // In a process of its own, as `busybench run` starts it: in the test worker its timers would
  // share an event loop with vitest.
  const dir = mkdtempSync(join(tmpdir(), 'busybench-prefill-'));
  writeFileSync(
    join(dir, 'mock.json'),
    JSON.stringify({
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: BASE_MS },
          interToken: { type: 'fixed', ms: 0 },
          prefill: { msPerToken: PER_TOKEN_MS, models: {} },
        },
        output: { minTokens: 2, maxTokens: 2, reasoningTokens: 0 },
      },
    }),
  );
  mock = await startMockProcess({ nodes: 1, config: join(dir, 'mock.json'), log: join(dir, 'mock.log') });
});
afterAll(() => mock?.stop());

/** A prompt the mock counts as `tokens`: one-token words after the message's 4 tokens of overhead. */
function prompt(tokens: number, salt: string): string {
  return Array.from({ length: tokens - 4 }, (_, i) => `${salt}${(i % 46656).toString(36)}`).join(' ');
}

/** Time to the first content frame of a stream, as a client reads it, and the usage it ends with. */
async function firstToken(content: string): Promise<{ ms: number; cached: number; prompt: number }> {
  const t0 = performance.now();
  const res = await fetch(`${mock.urls[0]}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      model: 'deepseek-v4-flash',
      thinking: { type: 'disabled' },
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content }],
    }),
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ms = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (ms === 0 && text.includes('"content":"')) ms = performance.now() - t0;
  }
  const usage = text
    .split('\n\n')
    .filter((f) => f.startsWith('data: {') && f.includes('"usage":{'))
    .map((f) => JSON.parse(f.slice(6)).usage)
    .pop();
  return { ms, cached: usage.prompt_cache_hit_tokens, prompt: usage.prompt_tokens };
}

const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)] as number;

describe("the first token pays for the prompt's uncached tokens", () => {
  it('reads base + 10 000 × per-token for a new prompt, and the cached share off when it comes again', async () => {
    await firstToken(prompt(100, 'warm')); // the mock's first answer runs code V8 has not compiled
    const fresh: number[] = [];
    const again: number[] = [];
    for (const salt of ['a', 'b', 'c']) {
      const content = prompt(10_000, salt);
      const first = await firstToken(content);
      expect(first.prompt).toBe(10_000);
      expect(first.cached).toBe(0);
      fresh.push(first.ms);
      const second = await firstToken(content);
      // Every 64-token unit of it was seen: 156 units, 16 tokens left to prefill.
      expect(second.cached).toBe(9_984);
      again.push(second.ms);
    }
    const uncached = BASE_MS + 10_000 * PER_TOKEN_MS;
    expect(Math.abs(median(fresh) / uncached - 1), `fresh ${fresh}`).toBeLessThan(0.03);
    // The same prompt again: its cached share's prefill is off. Read as the difference, so the
    // path both share (sending 60 KB, the mock reading them: 5-9 ms here) cancels out.
    const saved = (10_000 - 16) * PER_TOKEN_MS;
    const diffs = fresh.map((f, i) => f - (again[i] as number));
    expect(Math.abs(median(diffs) / saved - 1), `fresh ${fresh}, again ${again}`).toBeLessThan(0.03);
    for (const ms of again) expect(ms).toBeGreaterThanOrEqual(BASE_MS + 16 * PER_TOKEN_MS);
  }, 60_000);
});
