import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SLA } from '../../common/sla/sla.js';
import { DEFAULT_MIX, type Mix, type Plan } from '../../loadtests/plan.js';
import { drawPriority } from '../../loadtests/priority.js';
import { buildProfile } from '../../loadtests/profiles.js';

// The flow's k6 imports, as stand-ins: only its pure parts are tested here.
vi.mock('k6', () => ({ sleep: () => {} }));
vi.mock('k6/execution', () => ({ default: {} }));
vi.mock('k6/http', () => ({ default: { expectedStatuses: () => ({}) } }));
vi.mock('k6/metrics', () => {
  class Metric {
    constructor(readonly name: string) {}
  }
  return { Counter: Metric, Rate: Metric, Trend: Metric };
});

/** flows/chat.ts imports its siblings by file name (as k6 needs), so it is loaded at run time. */
interface Draws {
  stream: boolean;
  model: string;
  promptIndex: number;
  thinks: boolean;
  priority: string | null;
}
interface ChatModule {
  requestBody(mix: Mix, model: string, promptIndex: number, stream: boolean, thinks: boolean): string;
  unitDraw(seed: number, request: number, draw: number): number;
  pickModel(models: readonly (readonly [string, number])[], u: number): string;
  drawRequest(mix: Mix, models: readonly (readonly [string, number])[], seed: number, n: number): Draws;
  prepareChat(config: { plan: Plan; summaryPath: string }): {
    params: Record<string, { headers: Record<string, string> }>;
    classRates: ReadonlyArray<readonly [string, { name: string }]>;
  };
}
const CHAT = '../../loadtests/flows/chat.ts';
const chat = (await import(/* @vite-ignore */ CHAT)) as ChatModule;

describe('the chat flow’s requests', () => {
  it('sends the mix: model, prompt size, max_tokens, no thinking field when the plan leaves it', () => {
    const mix: Mix = { ...DEFAULT_MIX, thinking: null };
    const body = JSON.parse(chat.requestBody(mix, 'deepseek-v4-pro', 1, false, true));
    expect(body).toEqual({
      model: 'deepseek-v4-pro',
      messages: [{ role: 'user', content: expect.any(String) }],
      max_tokens: 64,
      stream: false,
    });
    expect(body.messages[0].content.length).toBeGreaterThanOrEqual(800);
    expect(body.messages[0].content.length).toBeLessThan(820);
  });

  it('asks a stream for its usage, and sends thinking enabled or disabled when the plan sets a share', () => {
    const mix: Mix = { ...DEFAULT_MIX, thinking: 0.3, maxTokens: 7 };
    const body = JSON.parse(chat.requestBody(mix, 'deepseek-v4-flash', 0, true, true));
    expect(body).toMatchObject({
      model: 'deepseek-v4-flash',
      max_tokens: 7,
      stream: true,
      stream_options: { include_usage: true },
      thinking: { type: 'enabled' },
    });
    const off = JSON.parse(chat.requestBody(mix, 'm', 2, false, false));
    expect(off.thinking).toEqual({ type: 'disabled' });
    expect(off.stream_options).toBeUndefined();
  });

  it('draws the same for the same seed and request, and spreads the draws evenly', () => {
    expect(chat.unitDraw(7, 123, 0)).toBe(chat.unitDraw(7, 123, 0));
    expect(chat.unitDraw(7, 123, 0)).not.toBe(chat.unitDraw(8, 123, 0));
    expect(chat.unitDraw(7, 123, 0)).not.toBe(chat.unitDraw(7, 123, 1));
    const n = 20_000;
    let below = 0;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = chat.unitDraw(42, i, 0);
      min = Math.min(min, u);
      max = Math.max(max, u);
      if (u < 0.3) below++;
      sum += u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(below / n).toBeCloseTo(0.3, 1);
    expect(sum / n).toBeCloseTo(0.5, 1);
  });

  it('picks models by weight', () => {
    expect(DEFAULT_MIX.models).toEqual({ 'deepseek-v4-flash': 1 });
    const models = Object.entries({ 'deepseek-v4-flash': 0.8, 'deepseek-v4-pro': 0.2 });
    expect(chat.pickModel(models, 0)).toBe('deepseek-v4-flash');
    expect(chat.pickModel(models, 0.79)).toBe('deepseek-v4-flash');
    expect(chat.pickModel(models, 0.81)).toBe('deepseek-v4-pro');
    expect(chat.pickModel(models, 0.999_999)).toBe('deepseek-v4-pro');
    let pro = 0;
    for (let i = 0; i < 10_000; i++)
      if (chat.pickModel(models, chat.unitDraw(1, i, 1)) === 'deepseek-v4-pro') pro++;
    expect(pro / 10_000).toBeCloseTo(0.2, 1);
  });
});

describe('the share of requests that think', () => {
  const models = Object.entries(DEFAULT_MIX.models);
  const N = 10_000;
  const thinkingShare = (thinking: number | null, seed = 42) => {
    const mix: Mix = { ...DEFAULT_MIX, thinking };
    let enabled = 0;
    for (let n = 0; n < N; n++) if (chat.drawRequest(mix, models, seed, n).thinks) enabled++;
    return enabled / N;
  };

  it('sends thinking enabled with the plan’s share of requests, the same ones for the same seed', () => {
    expect(Math.abs(thinkingShare(0.3) - 0.3)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(thinkingShare(0.3, 7) - 0.3)).toBeLessThanOrEqual(0.01);
    const mix: Mix = { ...DEFAULT_MIX, thinking: 0.3 };
    for (let n = 0; n < 100; n++)
      expect(chat.drawRequest(mix, models, 42, n)).toEqual(chat.drawRequest(mix, models, 42, n));
  });

  it('sends every request disabled at share 0, enabled at share 1', () => {
    expect(thinkingShare(0)).toBe(0);
    expect(thinkingShare(1)).toBe(1);
    const body = (thinking: number, n: number) => {
      const mix: Mix = { ...DEFAULT_MIX, thinking };
      const d = chat.drawRequest(mix, models, 42, n);
      return JSON.parse(chat.requestBody(mix, d.model, d.promptIndex, d.stream, d.thinks));
    };
    for (let n = 0; n < 100; n++) {
      expect(body(0, n).thinking).toEqual({ type: 'disabled' });
      expect(body(1, n).thinking).toEqual({ type: 'enabled' });
    }
  });

  it('sends no thinking field when the plan leaves it to the model', () => {
    const mix: Mix = { ...DEFAULT_MIX, thinking: null };
    for (let n = 0; n < 1000; n++) {
      const d = chat.drawRequest(mix, models, 42, n);
      expect(d.thinks).toBe(false);
      expect(
        JSON.parse(chat.requestBody(mix, d.model, d.promptIndex, d.stream, d.thinks)),
      ).not.toHaveProperty('thinking');
    }
  });

  it('changes no request’s model, stream or prompt whatever the share', () => {
    const draws = (thinking: number | null) => {
      const mix: Mix = { ...DEFAULT_MIX, thinking };
      return Array.from({ length: N }, (_, n) => {
        const { model, stream, promptIndex } = chat.drawRequest(mix, models, 42, n);
        return `${model}|${stream}|${promptIndex}`;
      });
    };
    const base = draws(null);
    for (const share of [0, 0.3, 0.9, 1]) expect(draws(share)).toEqual(base);
  });
});

describe('the priority class of each request', () => {
  const models = Object.entries({ 'deepseek-v4-flash': 0.8, 'deepseek-v4-pro': 0.2 });
  const SHARES = { P0: 0.1, P1: 0.3, P2: 0.4, P3: 0.2 };
  const N = 10_000;

  it('is the engine’s draw for the request’s index, and null when the plan has no classes', () => {
    const mix: Mix = { ...DEFAULT_MIX, priority: SHARES };
    for (let n = 0; n < 1000; n++)
      expect(chat.drawRequest(mix, models, 42, n).priority).toBe(drawPriority(SHARES, 42, n));
    for (let n = 0; n < 100; n++) expect(chat.drawRequest(DEFAULT_MIX, models, 42, n).priority).toBeNull();
  });

  it('changes no request’s model, stream, prompt or thinking whatever the shares', () => {
    const draws = (priority: Mix['priority']) => {
      const mix: Mix = { ...DEFAULT_MIX, thinking: 0.3, priority };
      return Array.from({ length: N }, (_, n) => {
        const { model, stream, promptIndex, thinks } = chat.drawRequest(mix, models, 42, n);
        return `${model}|${stream}|${promptIndex}|${thinks}`;
      });
    };
    const base = draws(null);
    expect(draws(SHARES)).toEqual(base);
    expect(draws({ P0: 0.9, P1: 0, P2: 0, P3: 0.1 })).toEqual(base);
  });

  it('is sent as x-priority, each class its own prepared headers; no header without classes', () => {
    const plan = (mix: Mix): Plan => ({
      version: 1,
      target: 'http://127.0.0.1:8000',
      allowRemote: false,
      profile: buildProfile({ name: 'smoke', rates: [5], stepSeconds: 10, rampSeconds: 0 }),
      mix,
      sla: { ...DEFAULT_SLA, classes: { P0: { errorRates: { '429': 0 } } } },
      maxInFlight: 100,
      timeoutMs: 5000,
      retries: 0,
      retryBaseMs: 100,
      seed: 1,
    });
    const withClasses = chat.prepareChat({
      plan: plan({ ...DEFAULT_MIX, priority: SHARES }),
      summaryPath: '',
    });
    for (const c of ['P0', 'P1', 'P2', 'P3'])
      expect(withClasses.params[`sk-busybench|true|${c}`]?.headers['x-priority']).toBe(c);
    // A class's error line needs the class's Rate, though the overall SLA has no error line.
    expect(withClasses.classRates.map(([c]) => c)).toEqual(['429']);
    const without = chat.prepareChat({ plan: plan(DEFAULT_MIX), summaryPath: '' });
    expect(Object.keys(without.params)).toContain('sk-busybench|false|');
    for (const p of Object.values(without.params)) expect(p.headers).not.toHaveProperty('x-priority');
  });
});
