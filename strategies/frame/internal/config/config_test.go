package config

import (
	"strings"
	"testing"

	"busybench/frame/internal/strategy"
)

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	_, problems := Parse([]string{
		"--strategy", "retry", "--upstreams", "http://127.0.0.1:8000,ftp://x,http://h:1/v1",
		"--port", "70000", "--option", "retries=99", "--option", "nope=1", "--option", "bad",
	})
	want := []string{"--port 70000", `"ftp://x"`, `"http://h:1/v1"`, `retries="99"`, `no option "nope"`, `--option "bad"`}
	all := strings.Join(problems, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("problems do not mention %s:\n%s", w, all)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(problems), len(want), all)
	}
}

func TestParseRefusesAStrategyTheGoFrameDoesNotRun(t *testing.T) {
	_, problems := Parse([]string{"--strategy", "openai-sdk", "--upstreams", "http://127.0.0.1:8000"})
	if len(problems) != 1 || !strings.Contains(problems[0], "the Go frame runs passthrough, retry") {
		t.Fatalf("problems %q", problems)
	}
}

func TestParseReadsRetryOptionsWithTheNodeFramesDefaults(t *testing.T) {
	c, problems := Parse([]string{"--strategy", "retry", "--upstreams", "http://127.0.0.1:8000/", "--option", "baseMs=50"})
	if problems != nil {
		t.Fatal(problems)
	}
	r := c.Strategy.(*strategy.Retry)
	if r.Retries != 3 || r.Base.Milliseconds() != 50 || r.Max.Milliseconds() != 5000 || r.Budget.Tokens() != 10 {
		t.Fatalf("retry %+v", r)
	}
	if c.Upstreams[0] != "http://127.0.0.1:8000" || c.Host != "127.0.0.1" || c.Port != 0 {
		t.Fatalf("config %+v", c)
	}
}

func TestParseChainsWithPrefixedOptionsAndItsRules(t *testing.T) {
	c, problems := Parse([]string{"--strategy", "retry+breaker", "--upstreams", "http://127.0.0.1:1",
		"--option", "retry.retries=2", "--option", "breaker.threshold=0.3"})
	if problems != nil {
		t.Fatal(problems)
	}
	chain := c.Strategy.(*strategy.Chain)
	if chain.Links[0].(*strategy.Retry).Retries != 2 || chain.Links[1].(*strategy.Breaker).Threshold != 0.3 {
		t.Fatalf("links %+v %+v: options did not reach their link", chain.Links[0], chain.Links[1])
	}
	_, problems = Parse([]string{"--strategy", "balance-lor+retry", "--upstreams", "http://127.0.0.1:1",
		"--option", "retries=2", "--option", "retry.nope=1"})
	all := strings.Join(problems, "\n")
	for _, w := range []string{"balance-lor picks the node itself", `option "retries"`, `retry has no option "nope"`} {
		if !strings.Contains(all, w) {
			t.Errorf("problems do not mention %s:\n%s", w, all)
		}
	}
}

func TestParseChecksEachStrategysOptionsAsTheNodeFrameDoes(t *testing.T) {
	cases := []struct {
		strategy string
		options  []string
		want     string
	}{
		{"priority", []string{"reserve=1", "limit=4"}, "keeps all 4 slots for P0"},
		{"priority", []string{"limit=2.5"}, `limit="2.5" must be a whole number`},
		{"priority", []string{"header=a b"}, "must be one header name"},
		{"rate-limit", []string{"algorithm=sliding-log", "burst=5"}, `no option "burst"`},
		{"rate-limit", []string{"algorithm=sliding-log", "rps=0.5"}, `rps="0.5" must be a number from 1`},
		{"rate-limit", []string{"algorithm=leaky"}, "must be one of token-bucket, sliding-log"},
		{"balance-wrr", []string{"weights=3,x"}, `weights: "x" must be a number above 0`},
		{"breaker", []string{"threshold=NaN"}, `threshold="NaN" must be a number from 0.01 to 1`},
		{"openai-sdk", nil, `the Go frame runs passthrough`},
		{"hedge+retry", nil, "hedge picks the node itself"},
		{"key-pool", []string{"keys=,;"}, "name at least one key"},
	}
	for _, c := range cases {
		args := []string{"--strategy", c.strategy, "--upstreams", "http://127.0.0.1:1"}
		for _, o := range c.options {
			args = append(args, "--option", o)
		}
		_, problems := Parse(args)
		if all := strings.Join(problems, "\n"); !strings.Contains(all, c.want) {
			t.Errorf("%s %v: problems %q do not say %q", c.strategy, c.options, all, c.want)
		}
	}
	c, problems := Parse([]string{"--strategy", "rate-limit", "--upstreams", "http://127.0.0.1:1", "--option", "rps=50"})
	if problems != nil {
		t.Fatal(problems)
	}
	if b := c.Strategy.(*strategy.RateLimit).Limiter.(*strategy.TokenBucket); b.Burst != 10 || b.RPS != 50 {
		t.Fatalf("token bucket %+v, want burst rps/5 = 10", b)
	}
}

func TestParseReadsTheCachesStoreAndRefusesTheOtherStoresOptions(t *testing.T) {
	parse := func(opts ...string) (*Config, string) {
		args := []string{"--strategy", "cache", "--upstreams", "http://127.0.0.1:8000"}
		for _, o := range opts {
			args = append(args, "--option", o)
		}
		c, problems := Parse(args)
		return c, strings.Join(problems, "\n")
	}
	c, problems := parse("maxEntries=5", "ttlMs=300")
	if problems != "" {
		t.Fatal(problems)
	}
	m := c.Strategy.(*strategy.Cache).Store.(*strategy.MemoryStore)
	if m.Max != 5 || m.TTL.Milliseconds() != 300 {
		t.Fatalf("memory store %+v", m)
	}
	c, problems = parse("store=redis", "redisUrl=redis://127.0.0.1:6379", "redisTimeoutMs=20")
	if r := c.Strategy.(*strategy.Cache).Store.(*strategy.RedisStore); problems != "" || r.Timeout.Milliseconds() != 20 || r.TTL.Milliseconds() != 60_000 {
		t.Fatalf("redis store %+v, %s", r, problems)
	}
	for opts, want := range map[string]string{
		"store=redis maxEntries=5":                          `no option "maxEntries"`,
		"redisUrl=redis://127.0.0.1:6379":                   `no option "redisUrl"`,
		"store=redis redisUrl=http://x":                     `must be a redis:// or rediss:// URL`,
		"store=redis":                                       `the Go frame needs one`,
		"store=disk":                                        `must be one of memory, redis`,
		"store=redis redisUrl=redis://h:1 redisTimeoutMs=0": `redisTimeoutMs="0" must be a number from 1 to 10000`,
	} {
		if _, problems := parse(strings.Fields(opts)...); !strings.Contains(problems, want) {
			t.Errorf("%s: problems %q, want %s", opts, problems, want)
		}
	}
}
