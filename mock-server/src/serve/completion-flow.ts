import { type ApiError, apiError, modelNotExist, userIdProblem } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import type { Plan } from '../generation/plan.js';
import { type BodyRenderer, newMeta, type ResponseMeta, type StreamFormat } from '../generation/render.js';
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
  /** Checked here, not by the schema, so a bad one gets the API's own message. */
  readonly user_id?: unknown;
  readonly thinking?: { type: 'enabled' | 'disabled' } | null;
}

export interface CompletionKind<B extends CompletionRequest> {
  /** The model a request names; by default the catalogue's (aliases per config). */
  model?(name: string): ModelInfo | undefined;
  /** What this endpoint refuses of a valid body for this model (FIM in thinking mode). */
  refuse?(body: B, model: ModelInfo): ApiError | null;
  /** `cacheScope`: the account, or the account and user_id: KV-cache hits stay within one. */
  plan(body: B, model: ModelInfo, cacheScope: string): Plan;
  readonly render: BodyRenderer;
  stream(meta: ResponseMeta, plan: Plan, body: B): StreamFormat;
}

/** Whether a request thinks: the model's default unless `thinking` says otherwise. */
export function thinks(model: ModelInfo, thinking: CompletionRequest['thinking']): boolean {
  return thinking?.type === 'enabled' || (model.thinksByDefault && thinking?.type !== 'disabled');
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
  const badUser = userIdProblem(body.user_id);
  if (badUser) {
    ex.sendError(badUser);
    return;
  }
  if (typeof body.user_id === 'string') ex.userId = body.user_id;
  const model = kind.model ? kind.model(body.model) : findModel(body.model, node.config.models.aliases);
  if (!model) {
    ex.sendError(modelNotExist());
    return;
  }
  ex.model = model.id;
  const refused = kind.refuse?.(body, model);
  if (refused) {
    ex.sendError(refused);
    return;
  }

  const faults = decideFaults(node.effective, node.rng, ex.req.headers, node.config.admin.forceHeaders);
  if (typeof faults === 'string') {
    ex.sendError(apiError(400, faults));
    return;
  }
  if (faults.error === null && strikeEarly(ex, faults)) return;

  const plan = kind.plan(body, model, ex.userId ? `${account.id}\u0001${ex.userId}` : account.id);
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
  return emitStream(ex, model, plan, faults, kind.stream(meta, plan, body));
}
