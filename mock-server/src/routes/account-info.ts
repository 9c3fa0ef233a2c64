import type { FastifyInstance } from 'fastify';
import type { Account } from '../busy/accounts.js';
import { LISTED_MODELS } from '../models.js';
import type { MockNode } from '../node.js';

/** GET /models and GET /user/balance, shaped as the real endpoints answer. */
export function accountInfoRoutes(app: FastifyInstance, node: MockNode): void {
  const models = {
    object: 'list',
    data: LISTED_MODELS.map((m) => ({ id: m.id, object: 'model', owned_by: 'deepseek' })),
  };
  const listModels = async () => {
    node.metrics?.request('/models', 'none', 200, 'none');
    return models;
  };
  app.get('/models', listModels);
  app.get('/v1/models', listModels);

  app.get('/user/balance', async (req) => {
    const account = req.account as Account;
    node.metrics?.request('/user/balance', 'none', 200, account.id);
    const balance = Math.max(0, account.balance);
    return {
      is_available: account.balance > 0,
      balance_infos: [
        {
          currency: 'USD',
          total_balance: balance.toFixed(2),
          granted_balance: '0.00',
          topped_up_balance: balance.toFixed(2),
        },
      ],
    };
  });
}
