import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-helpers.js';
import { mockProcess, withEngineAndMocks } from '../helpers/mock-process.js';

withEngineAndMocks();

interface TurnLine {
  conv: number;
  turn: number;
  history: number;
  prompt: number;
  cached: number;
  ttft: number;
  tokens: number;
  outcome: string;
}

describe('multi-turn sessions', () => {
  it("each turn resends the conversation: prompts grow, the mock's cache reads the previous turn's prompt, the first token pays for the rest only", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busybench-sessions-'));
    const base = 20;
    const perToken = 0.5;
    const mock = await mockProcess({
      behaviour: {
        latency: {
          ttft: { type: 'fixed', ms: base },
          interToken: { type: 'fixed', ms: 0 },
          prefill: { msPerToken: perToken },
        },
      },
    });
    const results = join(dir, 'results.ndjson');
    const summary = join(dir, 's.json');
    // 40 conversations at 20 req/s: a conversation's turns 2 s apart, far above the latency,
    // so every turn carries every earlier exchange.
    const run = await runCli(
      [
        ...[
          'load',
          '-t',
          mock.url,
          '-p',
          'smoke',
          '-r',
          '20',
          '-d',
          '10s',
          '--sessions',
          '40',
          '--turns',
          '4',
        ],
        ...['--prompt-chars', '3000', '--max-tokens', '16', '--stream-ratio', '1', '--thinking', 'off'],
        ...['--results', results, '--summary', summary, '-q'],
      ],
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "40 conversations of 4 turns, each turn sending the conversation so far: at the mean rate of 20 req/s a conversation's turns come 2.00 s apart",
    );
    expect(JSON.parse(readFileSync(summary, 'utf8')).turnsShort).toBe(0);
    const turns = new Map<number, TurnLine[]>();
    for (const line of readFileSync(results, 'utf8').split('\n').filter(Boolean)) {
      const o = JSON.parse(line);
      if (o.type !== 'req') continue;
      expect(o.outcome).toBe('ok');
      turns.set(o.conv, [...(turns.get(o.conv) ?? []), o as TurnLine]);
    }
    // 200 arrivals: 40 conversations of 4 turns, then 40 first turns of the next ones.
    expect(turns.size).toBe(80);
    let checked = 0;
    for (const conv of turns.values()) {
      conv.sort((a, b) => a.turn - b.turn);
      conv.forEach((t, i) => {
        expect(t.turn).toBe(i);
        expect(t.history).toBe(i);
        const prev = conv[i - 1];
        // DeepSeek's cache in 64-token units: the previous turn's prompt, stored whole, is the
        // longest prefix of this one any request stored.
        const cached = prev ? 64 * Math.floor(prev.prompt / 64) : 0;
        expect(t.cached, `conversation ${t.conv} turn ${i}`).toBe(cached);
        // Each turn adds the previous answer (its completion tokens and the assistant message's
        // 4 tokens of role markers) and its own prompt (3 000 characters: 4 + 500 tokens).
        const own = 504;
        expect(t.prompt, `conversation ${t.conv} turn ${i}`).toBe(
          prev ? prev.prompt + prev.tokens + 4 + own : own,
        );
        // The first token waits for the uncached tokens only (a cache ignored would add 0.5 ms
        // for each of up to 1 500 cached tokens); the upper line leaves room for a busy machine.
        const expected = base + (t.prompt - t.cached) * perToken;
        expect(t.ttft, `conversation ${t.conv} turn ${i}`).toBeGreaterThanOrEqual(expected - 1);
        expect(t.ttft, `conversation ${t.conv} turn ${i}`).toBeLessThan(expected + 200);
        if (i >= 2) checked++;
      });
    }
    expect(checked).toBe(80);
  }, 90_000);
});
