import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from '../api-error.js';
import type { Account } from '../busy/accounts.js';
import { planChat, planFim } from '../generation/plan.js';
import { chatCompletionText, fimCompletionText } from '../generation/render.js';
import { logFailure } from '../log.js';
import type { MockNode } from '../node.js';
import {
  type ChatRequest,
  ChatRequestSchema,
  type FimRequest,
  FimRequestSchema,
} from '../schemas/chat-request.js';
import { type CompletionKind, type CompletionRequest, serveCompletion } from '../serve/completion-flow.js';
import { Exchange } from '../serve/exchange.js';

/** POST /chat/completions (also under /v1) and POST /beta/completions (FIM). */
export function completionRoutes(app: FastifyInstance, node: MockNode): void {
  const chat: CompletionKind<ChatRequest> = {
    frames: 'chat',
    plan: (body, model, account) =>
      planChat(
        body,
        model,
        node.config.seed,
        node.effective.behaviour.output,
        node.shared.promptCache,
        account.id,
      ),
    render: chatCompletionText,
  };
  const fim: CompletionKind<FimRequest> = {
    frames: 'fim',
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

function handler<B extends CompletionRequest>(node: MockNode, endpoint: string, kind: CompletionKind<B>) {
  // Not async: a request answered without waiting costs no promise at all.
  return (req: FastifyRequest, reply: FastifyReply): void => {
    const body = req.body as B;
    const ex = new Exchange(node, req, reply, endpoint, body.stream === true);
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
  if (!ex.headSent) ex.sendJson(500, JSON.stringify(apiError(500).body));
  else ex.end();
}
