import { describe, expect, it } from 'vitest';
import { asksForStream } from '../../strategies/src/stream-request.js';

const asks = (text: string) => asksForStream(Buffer.from(text));

describe('asksForStream: the top-level stream member, as JSON reads it', () => {
  it('reads the member wherever it is and however it is spaced', () => {
    expect(asks('{"stream":true}')).toBe(true);
    expect(asks(' {\n "model" : "m" ,\t"stream" :\r\n true , "max_tokens": 5}')).toBe(true);
    expect(asks('{"messages":[{"role":"user","content":"hi"}],"stream":true}')).toBe(true);
    expect(asks('{"stream":false}')).toBe(false);
    expect(asks('{"model":"m"}')).toBe(false);
    expect(asks('{}')).toBe(false);
  });

  it('takes the last of a repeated key, as JSON.parse does', () => {
    expect(asks('{"stream":true,"stream":false}')).toBe(false);
    expect(asks('{"stream":false,"stream":true}')).toBe(true);
  });

  it('is not fooled by the words inside strings or nested objects', () => {
    expect(asks('{"messages":[{"role":"user","content":"say \\"stream\\": true"}]}')).toBe(false);
    expect(asks('{"metadata":{"stream":true},"model":"m"}')).toBe(false);
    expect(asks('{"a":"\\\\","stream":true}')).toBe(true); // an escaped backslash ends its string
    expect(asks('{"a":"x\\"","stream":true}')).toBe(true);
    expect(asks('{"stream":"true"}')).toBe(false);
  });

  it('says no to what is not a JSON object, never throws', () => {
    for (const text of [
      '',
      'null',
      '[{"stream":true}]',
      '{"stream":true',
      '{"stream" true}',
      '{"a":"open',
      '{"a":[1,2}',
    ])
      expect(asks(text), text).toBe(false);
  });

  it('agrees with JSON.parse on generated bodies', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['stream', '"stream": true', '\\', '"', '{', '}', '[', ']', ' ', 'é', 'x'];
    for (let n = 0; n < 2000; n++) {
      const content = Array.from({ length: 8 }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const body: Record<string, unknown> = { model: 'm', messages: [{ role: 'user', content }] };
      const r = random();
      if (r < 0.3) body.stream = true;
      else if (r < 0.5) body.stream = false;
      else if (r < 0.6) body.nested = { stream: true };
      const text = JSON.stringify(body, null, random() < 0.5 ? 2 : undefined);
      expect(asks(text), text).toBe(JSON.parse(text).stream === true);
    }
  });
});
