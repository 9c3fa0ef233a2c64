import { apiError, modelNotExist } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import type { Plan } from '../generation/plan.js';
import { type BodyRenderer, newMeta, StreamFrames } from '../generation/render.js';
import { findModel, type ModelInfo } from '../models.js';
import { admit } from './admission.js';
import { emitBody, emitStream } from './emit.js';
import type { Exchange } from './exchange.js';
import { decideFaults, type FaultPlan } from './fault-draw.js';
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
  readonly render: BodyRenderer;
}

/**
 * The whole life of a completion request once its body is valid, shared by chat and FIM:
 * model, faults (drawn, or forced by header), network faults, the busy rules, then the answer.
 * Synchronous unless the request has to wait for something.
 */
export function serveCompletion<B extends CompletionRequest>(
  ex: Exchange,
  body: B,
  kind: CompletionKind<B>,
): void | Promise<void> {
  const { node } = ex;
  const account = ex.account as Account;
  const model = findModel(body.model);
  if (!model) {
    ex.sendError(modelNotExist());
    return;
  }
  ex.model = model.id;

  const faults = decideFaults(node.effective, node.rng, ex.req.headers, node.config.admin.forceHeaders);
  if (typeof faults === 'string') {
    ex.sendError(apiError(400, faults));
    return;
  }
  if (faults.error === null && strikeEarly(ex, faults)) return;

  const plan = kind.plan(body, model, account);
  const admitted = admit(ex, account, model.group, plan.promptTokens + plan.totalTokens, faults);
  if (admitted === true) return answer(ex, body, kind, model, plan, faults);
  if (admitted === false) return;
  return admitted.then((ok) => (ok ? answer(ex, body, kind, model, plan, faults) : undefined));
}

function answer<B extends CompletionRequest>(
  ex: Exchange,
  body: B,
  kind: CompletionKind<B>,
  model: ModelInfo,
  plan: Plan,
  faults: FaultPlan,
): void | Promise<void> {
  const meta = newMeta(body.model);
  if (!ex.stream) return emitBody(ex, model, plan, faults, meta, kind.render);
  const includeUsage = body.stream_options?.include_usage === true;
  return emitStream(ex, model, plan, faults, new StreamFrames(meta, kind.frames), includeUsage);
}
