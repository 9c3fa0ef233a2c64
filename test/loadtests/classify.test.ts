import { describe, expect, it } from 'vitest';
import { classify } from '../../loadtests/classify.js';
import vectors from '../../loadtests/engine/contract/classify-vectors.json' with { type: 'json' };

interface Vector {
  name: string;
  status: number;
  stream: boolean;
  headers: Record<string, string>;
  body: string;
  want: string;
  tokenFrames?: number;
  completionTokens?: number;
}

const body200 = (finish: string) =>
  JSON.stringify({ choices: [{ index: 0, message: { content: 'hi' }, finish_reason: finish }] });
const frame = (chunk: unknown) => `data: ${JSON.stringify(chunk)}\n\n`;
const token = (content: string) =>
  frame({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const finish = (reason: string) => frame({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });
const DONE = 'data: [DONE]\n\n';

describe('classify: the shared vectors (loadtests/engine/contract/classify-vectors.json)', () => {
  it('has vectors to run', () => {
    expect((vectors.vectors as Vector[]).length).toBeGreaterThan(20);
  });

  it.each((vectors.vectors as Vector[]).map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const got = classify({ status: v.status, headers: v.headers, body: v.body }, v.stream);
    expect(got.outcome).toBe(v.want);
    if (v.tokenFrames !== undefined) expect(got.tokenFrames).toBe(v.tokenFrames);
    if (v.completionTokens !== undefined) expect(got.completionTokens).toBe(v.completionTokens);
  });
});

describe('classify: beyond the vectors', () => {
  it('tells a k6 timeout (error 1050) from other failures without an answer', () => {
    expect(classify({ status: 0, errorCode: 1050, headers: {}, body: '' }, false).outcome).toBe('timeout');
    expect(classify({ status: 0, errorCode: 1211, headers: {}, body: '' }, true).outcome).toBe('network');
    expect(classify({ status: 0, headers: {}, body: '' }, false).outcome).toBe('network');
  });

  it('reads the error classes from the status before anything else, fallback header or not', () => {
    const fallback = { 'X-Busybench-Fallback': '1' };
    expect(classify({ status: 429, headers: fallback, body: '' }, false).outcome).toBe('429');
    expect(classify({ status: 599, headers: {}, body: '' }, false).outcome).toBe('5xx');
    expect(classify({ status: 204, headers: {}, body: '' }, false).outcome).toBe('malformed');
    expect(classify({ status: 101, headers: {}, body: '' }, true).outcome).toBe('malformed');
  });

  it('finds the fallback header whatever its case (k6 canonicalises names), and only with value 1', () => {
    const ok = body200('stop');
    expect(classify({ status: 200, headers: { 'X-Busybench-Fallback': '1' }, body: ok }, false).outcome).toBe(
      'degraded',
    );
    expect(classify({ status: 200, headers: { 'X-BUSYBENCH-FALLBACK': '1' }, body: ok }, false).outcome).toBe(
      'degraded',
    );
    expect(classify({ status: 200, headers: { 'X-Busybench-Fallback': '0' }, body: ok }, false).outcome).toBe(
      'ok',
    );
    expect(classify({ status: 200, headers: { 'X-Busybench-Cache': 'hit' }, body: ok }, false).outcome).toBe(
      'ok',
    );
  });

  it('calls a body without a known finish reason truncated, and one that is not a completion malformed', () => {
    const c = (body: string) => classify({ status: 200, headers: {}, body }, false).outcome;
    expect(c(body200('something_new'))).toBe('truncated');
    expect(c(JSON.stringify({ choices: [{ index: 0, message: {} }] }))).toBe('truncated');
    expect(c('[1,2]')).toBe('malformed');
    expect(c('null')).toBe('malformed');
    expect(c(JSON.stringify({ choices: [1] }))).toBe('malformed');
    expect(c(JSON.stringify({ choices: {} }))).toBe('malformed');
    expect(c('')).toBe('truncated');
    expect(c(' \r\n\t')).toBe('truncated');
  });

  it('reads CRLF streams, multi-line data and other SSE fields', () => {
    const crlf = `${token('a')}${token('b')}${finish('stop')}${DONE}`.replace(/\n/g, '\r\n');
    expect(classify({ status: 200, headers: {}, body: crlf }, true)).toEqual({
      outcome: 'ok',
      tokenFrames: 2,
      completionTokens: 0,
    });
    const multiLine = `event: message\nid: 1\ndata: {"choices":[{"index":0,\ndata: "delta":{"content":"x"},"finish_reason":"length"}]}\n\n${DONE}`;
    expect(classify({ status: 200, headers: {}, body: multiLine }, true)).toMatchObject({
      outcome: 'ok',
      tokenFrames: 1,
    });
    // "data:" without its space is the same field.
    expect(
      classify({ status: 200, headers: {}, body: `${finish('stop')}data:[DONE]\n\n` }, true).outcome,
    ).toBe('ok');
  });

  it('gives precedence to a malformed frame, then to a missing [DONE], then to the finish reason', () => {
    const s = (body: string) => classify({ status: 200, headers: {}, body }, true).outcome;
    expect(s(`${token('a')}data: {"choices":\n\n${finish('content_filter')}`)).toBe('malformed');
    expect(s(`${token('a')}data: not json\n\n`)).toBe('malformed');
    expect(s(`${token('a')}data: 42\n\n${finish('stop')}${DONE}`)).toBe('malformed');
    expect(s(`${token('a')}${finish('insufficient_system_resource')}`)).toBe('truncated');
    expect(s(`${token('a')}${finish('content_filter')}${DONE}`)).toBe('filtered');
    expect(s(`${token('a')}${finish('tool_calls')}${DONE}`)).toBe('ok');
    expect(s(`${token('a')}${finish('whatever')}${DONE}`)).toBe('truncated');
  });

  it('does not read an event the server never finished (no blank line after it)', () => {
    const s = (body: string) => classify({ status: 200, headers: {}, body }, true).outcome;
    expect(s(`${token('a')}${finish('stop')}data: [DONE]`)).toBe('truncated');
    expect(s(`${token('a')}${finish('stop')}data: [DONE]\n`)).toBe('truncated');
    expect(s(`${token('a')}data: {"choices":[{"delta":{"con`)).toBe('truncated');
  });

  it('counts token frames by the first choice: content or reasoning, not role, empty or tool frames', () => {
    const body =
      frame({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) +
      frame({ choices: [{ index: 0, delta: { reasoning_content: 'think' }, finish_reason: null }] }) +
      frame({ choices: [{ index: 0, delta: { reasoning_content: '' }, finish_reason: null }] }) +
      frame({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0 }] }, finish_reason: null }] }) +
      token('x') +
      frame({
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }],
        usage: { completion_tokens: 7 },
      }) +
      frame({ choices: [], usage: { completion_tokens: 9 } }) +
      ': keep-alive\n\n' +
      DONE;
    expect(classify({ status: 200, headers: {}, body }, true)).toEqual({
      outcome: 'ok',
      tokenFrames: 2,
      completionTokens: 9,
    });
  });
});
