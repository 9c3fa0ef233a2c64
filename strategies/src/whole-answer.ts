/**
 * Whether a non-streaming answer is whole and real, as the load engine counts a success
 * (loadtests/engine/contract/outcomes.json): JSON that parses, with a normal end — an OpenAI
 * chat completion whose first choice has finish_reason stop, length or tool_calls, or an
 * Anthropic message whose stop_reason is end_turn, max_tokens, tool_use or stop_sequence. What
 * the cache may store: a cut body (the mock's malformed_json fault), an aborted answer
 * (insufficient_system_resource) or a filtered one is never served again.
 */
const OPENAI_ENDS = new Set(['stop', 'length', 'tool_calls']);
const ANTHROPIC_ENDS = new Set(['end_turn', 'max_tokens', 'tool_use', 'stop_sequence']);

export function isWholeAnswer(body: Buffer): boolean {
  let answer: unknown;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof answer !== 'object' || answer === null) return false;
  const a = answer as { choices?: unknown; type?: unknown; stop_reason?: unknown };
  if (Array.isArray(a.choices)) {
    const first = a.choices[0] as { finish_reason?: unknown } | undefined;
    return typeof first?.finish_reason === 'string' && OPENAI_ENDS.has(first.finish_reason);
  }
  return a.type === 'message' && typeof a.stop_reason === 'string' && ANTHROPIC_ENDS.has(a.stop_reason);
}
