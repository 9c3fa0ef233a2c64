/**
 * How long every busybench listener (the mock, the strategy frame, the collector) waits for a
 * client to *send* its request: 10 s for the headers, 5 minutes for the whole request, body
 * included; checked every second. Never a deadline on the answer: the mock holds and blackholes
 * connections on purpose, and an LLM answer can stream for minutes. Idle keep-alive connections
 * have each listener's own timeout. Without these, Node's `requestTimeout: 0` (set so held answers
 * live) also turned the header timeout off (it defaults to min(60 s, requestTimeout)): a client
 * sending its headers a byte a minute held a socket for ever.
 */
export const LISTENER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 300_000,
  connectionsCheckingInterval: 1_000,
} as const;

/** The same, as fastify takes them (requestTimeout its own option, the rest node's server's). */
export const FASTIFY_TIMEOUTS = {
  requestTimeout: LISTENER_TIMEOUTS.requestTimeout,
  http: {
    headersTimeout: LISTENER_TIMEOUTS.headersTimeout,
    connectionsCheckingInterval: LISTENER_TIMEOUTS.connectionsCheckingInterval,
  },
} as const;
