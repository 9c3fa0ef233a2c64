import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { frameCostLine, scrapeFrameCounts } from '../../runner/src/frame-cost-read.js';
import type { StrategyError } from '../../strategies/src/errors.js';
import { GO_FRAME_STRATEGIES } from '../../strategies/src/go-frame.js';
import {
  checkStrategySpec,
  type RunningStrategy,
  startStrategy,
} from '../../strategies/src/start-strategy.js';
import { runCli } from '../cli/cli-helpers.js';
import { HELLO, KEY, metricValue, scrape } from '../helpers/mock.js';
import { attempts, closeAll, fire, nodesOf, share, testMock } from './strategy-helpers.js';

/** HELLO as the openai SDK types it. */
const ASK = {
  model: HELLO.model,
  messages: [{ role: 'user' as const, content: 'Hello there' }],
};

// The Go frame (strategies/frame) as users start it: the default frame of the strategies it runs
// (`frame=go` said here all the same), the binary built by scripts/build-engine.sh, in front of
// the real mock.
const running: RunningStrategy[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  await closeAll();
});

async function goFrame(
  name: string,
  options: Record<string, string>,
  upstreams: readonly string[],
  testControls = false,
): Promise<RunningStrategy> {
  const r = await startStrategy({ name, options: { ...options, frame: 'go' } }, upstreams, { testControls });
  running.push(r);
  return r;
}

describe('the Go frame', () => {
  it('runs retry: 30 % 503 become >= 99 % success at about 1.4 attempts a request', async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 0.3 } } } });
    const proxy = await goFrame('retry', { retries: '4', baseMs: '2', maxMs: '20', budget: '1' }, [mock.url]);
    expect(proxy.name).toBe('retry@go');
    const answers = await fire(proxy.url, 1000, 20);
    expect(share(answers, 200)).toBeGreaterThanOrEqual(0.99);
    const amplification = (await attempts(mock.url)) / answers.length;
    expect(amplification).toBeGreaterThan(1.3);
    expect(amplification).toBeLessThan(1.55);
    // Its own counts agree with the node's.
    const metrics = await scrape(proxy.url);
    expect(metricValue(metrics, 'busybench_strategy_upstream_attempts_total', { strategy: 'retry' })).toBe(
      await attempts(mock.url),
    );
  });

  it("keeps retry's budget in a full outage (no retry storm)", async () => {
    const mock = await testMock({ behaviour: { faults: { errors: { '503': 1 } } } });
    const proxy = await goFrame('retry', { baseMs: '1', maxMs: '5', budget: '0.2' }, [mock.url]);
    const answers = await fire(proxy.url, 400, 10);
    expect(share(answers, 503)).toBe(1);
    expect((await attempts(mock.url)) / answers.length).toBeLessThan(1.3);
  });

  it('passes answers and streams the openai SDK reads whole, round robin over the nodes', async () => {
    const mock = await testMock({ server: { nodes: 3 } });
    const proxy = await goFrame('passthrough', {}, nodesOf(mock));
    const client = new OpenAI({ baseURL: proxy.url, apiKey: KEY, maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const whole = await client.chat.completions.create({ ...ASK, stream: false });
      expect(whole.choices[0]?.finish_reason).toMatch(/stop|length/);
      const stream = await client.chat.completions.create({ ...ASK, stream: true });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(finish).toMatch(/stop|length/);
    }
    for (const node of nodesOf(mock)) expect(await attempts(node)).toBe(2);
  });

  it("drops the mock's test controls unless told to forward them, and refuses its admin API", async () => {
    const mock = await testMock();
    const closed = await goFrame('passthrough', {}, [mock.url]);
    const forced = {
      'content-type': 'application/json',
      authorization: `Bearer ${KEY}`,
      'x-busybench-error': '503',
    };
    const res = await fetch(`${closed.url}/chat/completions`, {
      method: 'POST',
      headers: forced,
      body: JSON.stringify(HELLO),
    });
    expect(res.status).toBe(200);
    await res.text();
    const admin = await fetch(`${closed.url}/%61dmin/config`);
    expect(admin.status).toBe(403);
    expect(((await admin.json()) as { error: { code: string } }).error.code).toBe('admin_not_forwarded');
    const open = await goFrame('passthrough', {}, [mock.url], true);
    const res2 = await fetch(`${open.url}/chat/completions`, {
      method: 'POST',
      headers: forced,
      body: JSON.stringify(HELLO),
    });
    expect(res2.status).toBe(503);
    await res2.text();
  });

  it("passes the node's faults on as they are: a stream cut short stays short, a reset is a 502", async () => {
    const mock = await testMock();
    const proxy = await goFrame('passthrough', {}, [mock.url], true);
    const client = new OpenAI({ baseURL: proxy.url, apiKey: KEY, maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { ...ASK, stream: true },
      { headers: { 'x-busybench-fault': 'truncate' } },
    );
    let finish: string | null = null;
    let frames = 0;
    for await (const chunk of stream) {
      frames++;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    // The mock ends a truncated stream cleanly, without a finish frame or [DONE]: the frame
    // forwards what came and adds no end of its own.
    expect(frames).toBeGreaterThan(0);
    expect(finish).toBeNull();
    const reset = await fetch(`${proxy.url}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEY}`,
        'x-busybench-fault': 'reset',
      },
      body: JSON.stringify(HELLO),
    });
    expect(reset.status).toBe(502);
    expect(((await reset.json()) as { error: { code: string } }).error.code).toBe('bad_gateway');
  });

  it("says its cost the way `busybench run` reads it: own work and its scheduler's wait", async () => {
    const mock = await testMock();
    const proxy = await goFrame('passthrough', {}, [mock.url]);
    const before = await scrapeFrameCounts(proxy.metricsUrl);
    await fire(proxy.url, 200, 20);
    const after = await scrapeFrameCounts(proxy.metricsUrl);
    expect(frameCostLine(proxy.name, before, after)).toMatch(
      /own cost over the load \(200 requests\): ≤ [\d.]+ ms p50, ≤ [\d.]+ ms p99 of its own work a request; its scheduler ran ready goroutines ≤ [\d.]+ ms late at p99/,
    );
  });

  it('is the default frame of the strategies it runs; frame=node keeps the Node frame', async () => {
    const mock = await testMock();
    const start = async (name: string, options: Record<string, string>) => {
      const r = await startStrategy({ name, options }, [mock.url]);
      running.push(r);
      return r;
    };
    const byDefault = await start('retry+breaker', {});
    expect(byDefault.name).toBe('retry+breaker@go');
    const node = await start('retry+breaker', { frame: 'node' });
    expect(node.name).toBe('retry+breaker');
    // openai-sdk, and a chain holding it, run in the Node frame whatever the default.
    expect((await start('retry+openai-sdk', {})).name).toBe('retry+openai-sdk');
    for (const r of [byDefault, node]) {
      const res = await fetch(`${r.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify(HELLO),
      });
      expect(res.status).toBe(200);
    }
  });

  it('refuses frame=go for a strategy it does not run, and a frame that is neither', () => {
    expect(() => checkStrategySpec({ name: 'openai-sdk', options: { frame: 'go' } })).toThrow(
      /frame=go runs passthrough, retry, .*fallback, cache, alone or chained/,
    );
    // A chain runs there only when every link does.
    expect(() => checkStrategySpec({ name: 'retry+openai-sdk', options: { frame: 'go' } })).toThrow(
      /frame=go runs/,
    );
    expect(() => checkStrategySpec({ name: 'retry+breaker', options: { frame: 'go' } })).not.toThrow();
    expect(() => checkStrategySpec({ name: 'cache+retry', options: { frame: 'go' } })).not.toThrow();
    expect(() => checkStrategySpec({ name: 'retry', options: { frame: 'rust' } })).toThrow(
      /must be node or go/,
    );
    let problems: readonly string[] = [];
    try {
      checkStrategySpec({ name: 'retry', options: { frame: 'go', retries: '99' } });
    } catch (err) {
      problems = (err as StrategyError).problems;
    }
    expect(problems).toEqual(['retries="99" must be a number from 0 to 20']);
  });

  it('`busybench strategy` runs it by default and is gone within 4.5 s of SIGTERM while a stream is open', async () => {
    const mock = await testMock({ behaviour: { latency: { ttft: { type: 'fixed', ms: 30_000 } } } });
    // No frame option: the Go frame is passthrough's default.
    const cli = spawn(process.execPath, [
      'bin/busybench.js',
      'strategy',
      'passthrough',
      '-p',
      '0',
      '-u',
      mock.url,
    ]);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      cli.stdout.on('data', (d) => {
        out += d;
        const m = /strategy passthrough@go listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      cli.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const held = fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ ...HELLO, stream: true }),
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    cli.kill('SIGTERM');
    await new Promise((r) => cli.once('exit', r));
    expect(Date.now() - t0).toBeLessThan(4_500);
    await held;
    // The frame went with it: nothing listens there any more.
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it('`busybench strategy --list` marks the strategies the Go frame runs (their default frame)', async () => {
    const list = await runCli(['strategy', '--list']);
    expect(list.code).toBe(0);
    const line = (name: string) => list.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    for (const name of GO_FRAME_STRATEGIES) expect(line(name)).toMatch(/\[Go frame; -o frame=node too\]$/);
    for (const name of ['openai-sdk', 'nginx']) expect(line(name)).not.toMatch(/frame/);
  });
});
