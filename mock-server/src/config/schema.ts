/**
 * The mock's configuration, as one TypeBox schema: validation (ajv, every error at once) and the
 * TypeScript types come from the same source.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../../../common/duration.js';

const Duration = T.Union([T.String({ pattern: DURATION_PATTERN }), T.Number({ minimum: 0 })], {
  description: 'e.g. "500ms", "30s", "2m", or milliseconds',
});
const Rate = T.Number({ minimum: 0, maximum: 1, description: 'probability per request, 0..1' });

export const DistributionSchema = T.Union([
  T.Object({ type: T.Literal('fixed'), ms: T.Number({ minimum: 0 }) }, { additionalProperties: false }),
  T.Object(
    { type: T.Literal('uniform'), minMs: T.Number({ minimum: 0 }), maxMs: T.Number({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  T.Object(
    { type: T.Literal('normal'), meanMs: T.Number({ minimum: 0 }), stdMs: T.Number({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  T.Object(
    {
      type: T.Literal('lognormal'),
      medianMs: T.Number({ exclusiveMinimum: 0 }),
      sigma: T.Number({ minimum: 0, maximum: 5 }),
    },
    { additionalProperties: false },
  ),
]);
export type Distribution = Static<typeof DistributionSchema>;

export const LatencySchema = T.Object(
  {
    ttft: DistributionSchema,
    interToken: DistributionSchema,
    /**
     * Prefill: the first token also waits this long per prompt token not served from the
     * context cache (added to \`ttft\`, slowed down and scaled by a scenario as it is): a long
     * prompt answers later, a cached prefix sooner. Per model, `msPerToken` for the others.
     */
    prefill: T.Object(
      {
        msPerToken: T.Number({ minimum: 0, maximum: 100 }),
        models: T.Record(T.String({ minLength: 1 }), T.Number({ minimum: 0, maximum: 100 })),
      },
      { additionalProperties: false },
    ),
    /** Past `threshold` of capacity in use, latency grows linearly up to `maxMultiplier` at full. */
    slowdown: T.Object(
      {
        threshold: T.Number({ minimum: 0, maximum: 1 }),
        maxMultiplier: T.Number({ minimum: 1, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const RateLimitSchema = T.Object(
  {
    limit: T.Integer({ minimum: 1 }),
    scope: T.Union([T.Literal('key'), T.Literal('account')]),
  },
  { additionalProperties: false },
);

export const LimitsSchema = T.Object(
  {
    /** DeepSeek's rule: in-flight requests per account, whatever the key. */
    concurrency: T.Object(
      {
        enabled: T.Boolean(),
        /** Balance-scaled limit, as seen in the field: base + perUnit * balance, capped by the ceiling. */
        scaleWithBalance: T.Boolean(),
        base: T.Integer({ minimum: 0 }),
        perBalanceUnit: T.Number({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    rpm: T.Union([RateLimitSchema, T.Null()]),
    tpm: T.Union([RateLimitSchema, T.Null()]),
    /** The real API sends no Retry-After; switch it on to test clients that honour it. */
    retryAfterSeconds: T.Union([T.Integer({ minimum: 0 }), T.Null()]),
  },
  { additionalProperties: false },
);

export const CapacitySchema = T.Object(
  {
    maxInFlight: T.Integer({ minimum: 1 }),
    queueSize: T.Integer({ minimum: 0 }),
    queueTimeout: Duration,
    /** What happens past in-flight + queue: 503 Server Overloaded, or DeepSeek's hold. */
    overflow: T.Union([T.Literal('503'), T.Literal('hold')]),
    holdKeepAliveInterval: Duration,
    holdTimeout: Duration,
  },
  { additionalProperties: false },
);

export const ErrorRatesSchema = T.Object(
  {
    '400': T.Optional(Rate),
    '401': T.Optional(Rate),
    '402': T.Optional(Rate),
    '422': T.Optional(Rate),
    '429': T.Optional(Rate),
    '500': T.Optional(Rate),
    '503': T.Optional(Rate),
  },
  { additionalProperties: false },
);

export const FaultsSchema = T.Object(
  {
    errors: ErrorRatesSchema,
    stream: T.Object(
      {
        truncate: Rate,
        insufficientResource: Rate,
        contentFilter: Rate,
        stall: Rate,
        stallDuration: Duration,
      },
      { additionalProperties: false },
    ),
    network: T.Object(
      {
        reset: Rate,
        blackhole: Rate,
        /** Never-answered connections are closed after this, so no load loop waits forever. */
        blackholeTimeout: Duration,
        slowBody: Rate,
        slowBodyBytesPerSecond: T.Integer({ minimum: 1 }),
        malformedJson: Rate,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const AccountSchema = T.Object(
  {
    id: T.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }),
    keys: T.Array(T.String({ minLength: 1 }), { minItems: 1 }),
    balance: T.Number({ minimum: 0, description: 'USD' }),
    /** Overrides the model ceilings (500 pro / 2500 flash) for this account. */
    concurrencyLimit: T.Optional(T.Integer({ minimum: 0 })),
    /**
     * An account with raised quotas: besides its own limit, each `user_id` gets its own cap
     * (the model ceilings, or `userConcurrencyLimit`); requests without one share the "" user.
     */
    raised: T.Optional(T.Boolean()),
    userConcurrencyLimit: T.Optional(T.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** What a node's behaviour is made of; a scenario phase or a node override replaces parts of it. */
export const BehaviourSchema = T.Object(
  {
    latency: LatencySchema,
    capacity: CapacitySchema,
    limits: LimitsSchema,
    faults: FaultsSchema,
    output: T.Object(
      {
        minTokens: T.Integer({ minimum: 1 }),
        maxTokens: T.Integer({ minimum: 1 }),
        reasoningTokens: T.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Behaviour = Static<typeof BehaviourSchema>;

const Price = T.Object(
  {
    cacheHit: T.Number({ minimum: 0 }),
    cacheMiss: T.Number({ minimum: 0 }),
    output: T.Number({ minimum: 0 }),
  },
  { additionalProperties: false, description: 'USD per million tokens' },
);

export const ModelsSchema = T.Object(
  {
    /**
     * deepseek-chat / deepseek-reasoner: `retire` answers them as unknown models, as the API has
     * since 2026-07-24 15:59 UTC; `serve` maps them to v4-flash without / with thinking.
     */
    aliases: T.Union([T.Literal('serve'), T.Literal('retire')]),
    /** Aliases are billed as deepseek-v4-flash. */
    prices: T.Object(
      { 'deepseek-v4-flash': Price, 'deepseek-v4-pro': Price },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ConfigSchema = T.Object(
  {
    seed: T.Integer(),
    server: T.Object(
      {
        host: T.String({ minLength: 1 }),
        port: T.Integer({ minimum: 0, maximum: 65535 }),
        nodes: T.Integer({ minimum: 1, maximum: 64 }),
        bodyLimitBytes: T.Integer({ minimum: 1024 }),
        logLevel: T.Union(['fatal', 'error', 'warn', 'info', 'debug', 'silent'].map((l) => T.Literal(l))),
      },
      { additionalProperties: false },
    ),
    admin: T.Object(
      {
        enabled: T.Boolean(),
        /** Admin routes answer only loopback clients unless this is set (and then need tokenFile's token). */
        allowRemote: T.Boolean(),
        /** The bearer token a remote admin client must send (one line, at least 32 characters). */
        tokenFile: T.Optional(T.String({ minLength: 1 })),
        /** Honour x-busybench-error / x-busybench-fault request headers. */
        forceHeaders: T.Boolean(),
      },
      { additionalProperties: false },
    ),
    auth: T.Object(
      {
        /** Unknown keys are charged to the first account instead of getting 401. */
        allowUnknownKeys: T.Boolean(),
      },
      { additionalProperties: false },
    ),
    accounts: T.Array(AccountSchema, { minItems: 1 }),
    models: ModelsSchema,
    behaviour: BehaviourSchema,
    /**
     * Per-node patches of the behaviour, by node index (0-based): deep-partial, checked once
     * merged onto the behaviour.
     */
    nodeOverrides: T.Array(T.Record(T.String(), T.Unknown())),
    scenario: T.Union([
      T.Null(),
      T.Object(
        {
          /** A built-in name (see `busybench mock --list-scenarios`) or a YAML/JSON file path. */
          name: T.String({ minLength: 1 }),
          /** 2 plays the timeline twice as fast. */
          speed: T.Number({ exclusiveMinimum: 0 }),
          loop: T.Boolean(),
        },
        { additionalProperties: false },
      ),
    ]),
    metrics: T.Object(
      {
        enabled: T.Boolean(),
        /**
         * Per-user_id series (requests, in flight): one series per end user, so opt-in only —
         * a run with thousands of user ids would swamp Prometheus.
         */
        perUser: T.Boolean(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type MockConfig = Static<typeof ConfigSchema>;
