import type { MockConfig } from './schema.js';

/**
 * Sane defaults: a healthy, fast node with DeepSeek's documented ceilings, no injected faults,
 * and the real API's habits (no Retry-After, 503 past capacity).
 */
export const DEFAULT_CONFIG: MockConfig = {
  seed: 42,
  server: { host: '127.0.0.1', port: 8000, nodes: 1, bodyLimitBytes: 4 * 1024 * 1024, logLevel: 'warn' },
  admin: { enabled: true, allowRemote: false, forceHeaders: true },
  auth: { allowUnknownKeys: false },
  accounts: [
    { id: 'default', keys: ['sk-busybench', 'sk-busybench-2', 'sk-busybench-3'], balance: 100 },
    { id: 'second', keys: ['sk-busybench-second'], balance: 100 },
  ],
  models: {
    aliases: 'retire',
    // api-docs.deepseek.com "Models & Pricing", as read 2026-11-29 (v4-pro at the extended 75 %
    // discount off 0.0145 / 1.74 / 3.48; cache-hit prices cut to a tenth on 2026-04-26).
    prices: {
      'deepseek-v4-flash': { cacheHit: 0.0028, cacheMiss: 0.14, output: 0.28 },
      'deepseek-v4-pro': { cacheHit: 0.003625, cacheMiss: 0.435, output: 0.87 },
    },
  },
  behaviour: {
    latency: {
      ttft: { type: 'fixed', ms: 0 },
      interToken: { type: 'fixed', ms: 0 },
      // Chosen, not measured (DeepSeek publishes no prefill speed): 20 000 uncached prompt
      // tokens a second (a 10 000-token prompt adds 0.5 s), every model alike unless `models`
      // names one; 0 switches prefill off.
      prefill: { msPerToken: 0.05, models: {} },
      slowdown: { threshold: 0.7, maxMultiplier: 3 },
    },
    capacity: {
      maxInFlight: 4096,
      queueSize: 0,
      queueTimeout: '30s',
      overflow: '503',
      holdKeepAliveInterval: '5s',
      holdTimeout: '60s',
    },
    limits: {
      concurrency: { enabled: true, scaleWithBalance: false, base: 39, perBalanceUnit: 20 },
      rpm: null,
      tpm: null,
      retryAfterSeconds: null,
    },
    faults: {
      errors: {},
      stream: { truncate: 0, insufficientResource: 0, contentFilter: 0, stall: 0, stallDuration: '30s' },
      network: {
        reset: 0,
        blackhole: 0,
        blackholeTimeout: '60s',
        slowBody: 0,
        slowBodyBytesPerSecond: 200,
        malformedJson: 0,
      },
    },
    output: { minTokens: 8, maxTokens: 32, reasoningTokens: 24 },
  },
  nodeOverrides: [],
  scenario: null,
  metrics: { enabled: true, perUser: false },
};
