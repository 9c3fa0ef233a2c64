import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiError, fimInThinkingMode } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import { planChat, planFim } from '../generation/plan.js';
import { chatCompletionText, fimCompletionText, StreamFrames } from '../generation/render.js';
import { logFailure } from '../log.js';
import type { MockNode } from '../node.js';
import {
  type ChatRequest,
  ChatRequestSchema,
  type FimRequest,
  FimRequestSchema,
} from '../schemas/chat-request.js';
import {
  type CompletionKind,
  type CompletionRequest,
  serveCompletion,
  thinks,
} from '../serve/completion-flow.js';
import { Exchange } from '../serve/exchange.js';

/** POST /chat/completions (also under /v1) and POST /beta/completions (FIM). */
export function completionRoutes(app: FastifyInstance, node: MockNode): void {
  const chat: CompletionKind<ChatRequest> = {
    stream: (meta, plan, body) =>
      new StreamFrames(meta, 'chat', plan, body.stream_options?.include_usage === true),
    plan: chatPlanner(node),
    render: chatCompletionText,
  };
  const fim: CompletionKind<FimRequest> = {
    stream: (meta, plan, body) =>
      new StreamFrames(meta, 'fim', plan, body.stream_options?.include_usage === true),
    // FIM is "non-thinking mode only": its reference has no thinking switch, so a FIM request
    // to a V4 model does not think by default; one that asks to, or names the thinking alias
    // (deepseek-reasoner, when served), is refused.
    refuse: (body, model) =>
      body.thinking?.type === 'enabled' || (model.alias && thinks(model, body.thinking))
        ? fimInThinkingMode()
        : null,
    plan: (body, model) => planFim(body, model, node.config.seed, node.effective.behaviour.output),
    render: fimCompletionText,
  };
  const chatHandler = handler(node, '/chat/completions', chat);
  app.post('/chat/completions', { schema: { body: ChatRequestSchema } }, chatHandler);
  app.post('/v1/chat/completions', { schema: { body: ChatRequestSchema } }, chatHandler);
  app.post(
    '/beta/completions',
    { schema: { body: FimRequestSchema } },
    handler(node, '/beta/completions', fim),
  );
}

/** Plans a chat request on this node; the Anthropic route plans with it too. */
export function chatPlanner(node: MockNode): CompletionKind<ChatRequest>['plan'] {
  return (body, model, cacheScope) =>
    planChat(
      body,
      model,
      thinks(model, body.thinking),
      node.config.seed,
      node.effective.behaviour.output,
      node.shared.promptCache,
      cacheScope,
    );
}

/**
 * The route handler of a completion endpoint. `convert` turns the validated body into the
 * completion request the kind plans from (the identity but for the Anthropic format, whose
 * errors are also shaped its way).
 */
export function handler<B extends CompletionRequest>(
  node: MockNode,
  endpoint: string,
  kind: CompletionKind<B>,
  convert: (raw: unknown) => B = (raw) => raw as B,
  anthropic = false,
) {
  // Not async: a request answered without waiting costs no promise at all.
  return (req: FastifyRequest, reply: FastifyReply): void => {
    const body = convert(req.body);
    const ex = new Exchange(node, req, reply, endpoint, body.stream === true);
    ex.anthropic = anthropic;
    ex.account = req.account as Account;
    try {
      serveCompletion(ex, body, kind)?.catch((err: unknown) => failed(ex, err));
    } catch (err) {
      failed(ex, err);
    }
  };
}

/** A bug of ours: say so in the log, and never leave the client hanging. */
function failed(ex: Exchange, err: unknown): void {
  logFailure(ex.node, 'mock failed while serving a completion', err);
  if (!ex.headSent) ex.sendError(apiError(500));
  else ex.end();
}
