import { describe, expect, it } from 'vitest';
import { isWholeAnswer } from '../../strategies/src/whole-answer.js';

const whole = (v: unknown) => isWholeAnswer(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));
const chat = (finish: unknown) => ({ choices: [{ message: { content: 'hi' }, finish_reason: finish }] });
const message = (stop: unknown) => ({
  type: 'message',
  content: [{ type: 'text', text: 'hi' }],
  stop_reason: stop,
});

describe('isWholeAnswer: what the cache may store', () => {
  it('takes a chat completion or an Anthropic message that ended normally', () => {
    for (const f of ['stop', 'length', 'tool_calls']) expect(whole(chat(f)), f).toBe(true);
    for (const s of ['end_turn', 'max_tokens', 'tool_use', 'stop_sequence'])
      expect(whole(message(s)), s).toBe(true);
  });

  it('refuses a cut body, an aborted or filtered answer, and anything else', () => {
    const ok = JSON.stringify(chat('stop'));
    expect(whole(ok.slice(0, ok.length - 5))).toBe(false);
    for (const f of ['insufficient_system_resource', 'content_filter', null, undefined, 3])
      expect(whole(chat(f)), String(f)).toBe(false);
    expect(whole(message('refusal'))).toBe(false);
    expect(whole(message(null))).toBe(false);
    for (const v of ['', 'null', '[]', '{}', { choices: [] }, { error: { message: 'busy' } }])
      expect(whole(v), JSON.stringify(v)).toBe(false);
  });
});
