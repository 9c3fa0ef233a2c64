import { apiError, modelNotExist } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import type { FinishReason, Plan, Usage } from '../generation/plan.js';
import { newMeta, StreamFrames } from '../generation/render.js';
import { findModel, type ModelInfo } from '../models.js';
import { admit } from './admission.js';
import { emitBody, emitStream } from './emit.js';
import type { Exchange } from './exchange.js';
import { applyForcedHeaders, drawFaults } from './fault-draw.js';
import { strikeEarly } from './network-faults.js';

export interface CompletionRequest {
  readonly model: string;
  readonly stream?: boolean | null;
  readonly stream_options?: { include_usage?: boolean } | null;
  readonly max_tokens?: number | null;
}

export interface CompletionKind<B extends CompletionRequest> {
  readonly frames: 'chat' | 'fim';
  plan(body: B, model: ModelInfo, account: Account): Plan;
  render(
    meta: ReturnType<typeof newMeta>,
    plan: Plan,
  ): (finish: FinishReason, usage: Usage, contentSent: number, reasoningSent: number) => unknown;
}

/**
 * The whole life of a completion request once its body is valid, shared by chat and FIM:
 * model, faults (drawn, or forced by header), network faults, the busy rules, then the answer.
 */
export async function serveCompletion<B extends CompletionRequest>(
  ex: Exchange,
  body: B,
  kind: CompletionKind<B>,
): Promise<void> {
  const { node } = ex;
  const account = ex.account as Account;
  const model = findModel(body.model);
  if (!model) {
    ex.sendError(modelNotExist());
    return;
  }
  ex.model = model.id;

  const faults = drawFaults(node.effective, node.rng);
  if (node.config.admin.forceHeaders) {
    const problem = applyForcedHeaders(faults, ex.req.headers);
    if (problem) {
      ex.sendError(apiError(400, problem));
      return;
    }
  }
  if (faults.error === null && strikeEarly(ex, faults)) return;

  const plan = kind.plan(body, model, account);
  const outputTokens = (plan.reasoning?.length ?? 0) + plan.content.length;
  const admitted = await admit(ex, {
    account,
    key: keyOf(ex),
    group: model.group,
    tokenCost: plan.promptTokens + outputTokens,
    faults,
  });
  if (!admitted) return;

  const meta = newMeta(body.model);
  if (ex.stream) {
    await emitStream(
      ex,
      model,
      plan,
      faults,
      new StreamFrames(meta, kind.frames),
      body.stream_options?.include_usage === true,
    );
  } else {
    await emitBody(ex, model, plan, faults, kind.render(meta, plan));
  }
}

export function keyOf(ex: Exchange): string {
  return (ex.req as unknown as { apiKey?: string }).apiKey ?? '';
}
