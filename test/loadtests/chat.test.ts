import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_MIX, type Mix } from '../../loadtests/plan.js';

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
interface ChatModule {
  requestBody(mix: Mix, model: string, promptIndex: number, stream: boolean): string;
  unitDraw(seed: number, request: number, draw: number): number;
  pickModel(models: readonly (readonly [string, number])[], u: number): string;
}
const CHAT = '../../loadtests/flows/chat.ts';
const chat = (await import(/* @vite-ignore */ CHAT)) as ChatModule;

describe('the chat flow’s requests', () => {
  it('sends the mix: model, prompt size, max_tokens, no thinking field when the plan leaves it', () => {
    const body = JSON.parse(chat.requestBody(DEFAULT_MIX, 'deepseek-v4-pro', 1, false));
    expect(body).toEqual({
      model: 'deepseek-v4-pro',
      messages: [{ role: 'user', content: expect.any(String) }],
      max_tokens: 64,
      stream: false,
    });
    expect(body.messages[0].content.length).toBeGreaterThanOrEqual(800);
    expect(body.messages[0].content.length).toBeLessThan(820);
  });

  it('asks a stream for its usage, and sends thinking when the plan sets it', () => {
    const mix: Mix = { ...DEFAULT_MIX, thinking: 'enabled', maxTokens: 7 };
    const body = JSON.parse(chat.requestBody(mix, 'deepseek-v4-flash', 0, true));
    expect(body).toMatchObject({
      model: 'deepseek-v4-flash',
      max_tokens: 7,
      stream: true,
      stream_options: { include_usage: true },
      thinking: { type: 'enabled' },
    });
    const off = JSON.parse(chat.requestBody({ ...mix, thinking: 'disabled' }, 'm', 2, false));
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
    const models = Object.entries(DEFAULT_MIX.models);
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
