// Package config reads the frame's command line into a checked configuration: every problem
// reported at once, each under the component's one error code (errors.go).
package config

import (
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"busybench/frame/internal/strategy"
)

// Config is what the frame runs with.
type Config struct {
	Strategy     strategy.Strategy
	Upstreams    []string
	Host         string
	Port         int
	TestControls bool
}

// Strategies the Go frame runs, alone or chained with "+"; the others run in the Node frame
// (strategies/src): openai-sdk (the SDK is Node).
var Strategies = []string{
	"passthrough", "retry", "breaker", "bulkhead", "priority", "rate-limit", "key-pool",
	"balance-wrr", "balance-lor", "hedge", "fallback", "cache",
}

// picksNodes are the strategies that choose the node themselves: only the last link of a chain.
var picksNodes = map[string]bool{"balance-wrr": true, "balance-lor": true, "hedge": true}

type optionList []string

func (o *optionList) String() string     { return strings.Join(*o, ",") }
func (o *optionList) Set(v string) error { *o = append(*o, v); return nil }

// Parse reads the arguments; problems come back all together, one a line.
func Parse(args []string) (*Config, []string) {
	fs := flag.NewFlagSet("busybench-frame", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("strategy", "passthrough", "the strategy: "+strings.Join(Strategies, ", "))
	upstreams := fs.String("upstreams", "", "the nodes' base URLs, comma-separated")
	host := fs.String("host", "127.0.0.1", "the address to bind")
	port := fs.Int("port", 0, "the port to listen on (0: any free one)")
	controls := fs.Bool("forward-test-controls", false, "forward the mock's admin API and fault headers")
	var opts optionList
	fs.Var(&opts, "option", "a strategy option key=value (repeatable)")
	if err := fs.Parse(args); err != nil {
		return nil, []string{err.Error()}
	}
	var problems []string
	c := &Config{Host: *host, Port: *port, TestControls: *controls}
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if *port < 0 || *port > 65535 {
		problems = append(problems, fmt.Sprintf("--port %d is not a port (0-65535)", *port))
	}
	for _, u := range strings.Split(*upstreams, ",") {
		parsed, err := url.Parse(u)
		if u == "" || err != nil || parsed.Scheme != "http" || parsed.Host == "" || strings.Trim(parsed.Path, "/") != "" {
			problems = append(problems, fmt.Sprintf("--upstreams: %q is not an http://host:port base URL", u))
			continue
		}
		c.Upstreams = append(c.Upstreams, strings.TrimRight(u, "/"))
	}
	raw := map[string]string{}
	for _, kv := range opts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			problems = append(problems, fmt.Sprintf("--option %q is not key=value", kv))
			continue
		}
		raw[k] = v
	}
	strat, more := build(*name, raw)
	c.Strategy = strat
	problems = append(problems, more...)
	if len(problems) > 0 {
		return nil, problems
	}
	return c, nil
}

// build makes the strategy, or the chain of them joined by "+" (each link's options prefixed
// with its name: retry.retries=2), with every problem of every link.
func build(name string, raw map[string]string) (strategy.Strategy, []string) {
	names := strings.Split(name, "+")
	if len(names) == 1 {
		o := &options{raw: raw, used: map[string]bool{}}
		s := one(name, o)
		return s, o.done(name)
	}
	var problems []string
	for k := range raw {
		if !slices.Contains(names, strings.SplitN(k, ".", 2)[0]) {
			problems = append(problems, fmt.Sprintf("option %q: in a chain, options are prefixed with their strategy (%s.option=value)", k, names[0]))
		}
	}
	chain := &strategy.Chain{}
	for i, n := range names {
		if picksNodes[n] && i < len(names)-1 {
			problems = append(problems, n+" picks the node itself: it can only come last in a chain")
		}
		o := &options{raw: map[string]string{}, used: map[string]bool{}}
		for k, v := range raw {
			if rest, ok := strings.CutPrefix(k, n+"."); ok {
				o.raw[rest] = v
			}
		}
		chain.Links = append(chain.Links, one(n, o))
		problems = append(problems, o.done(n)...)
	}
	return chain, problems
}

// one makes a strategy from its options, with the Node frame's defaults and bounds
// (strategies/src/strategies/*.ts); nil (and a problem) for a name the Go frame does not run.
func one(name string, o *options) strategy.Strategy {
	inf := math.Inf(1)
	switch name {
	case "passthrough":
		return strategy.Passthrough{}
	case "retry":
		return &strategy.Retry{
			Retries: int(o.number("retries", 3, 0, 20)),
			Base:    o.millis("baseMs", 100, 1, 60_000),
			Max:     o.millis("maxMs", 5_000, 1, 600_000),
			Budget:  strategy.NewBudget(o.number("budget", 0.5, 0, 10)),
		}
	case "breaker":
		return &strategy.Breaker{
			HalfOpen:  o.millis("halfOpenMs", 5_000, 10, inf),
			Threshold: o.number("threshold", 0.5, 0.01, 1),
			Window:    o.millis("windowMs", 10_000, 100, inf),
			MinRPS:    o.number("minRps", 5, 0, inf),
			Now:       time.Now,
		}
	case "bulkhead":
		// A fractional limit admits as cockatiel's (a count below it): the next whole number.
		return &strategy.Bulkhead{
			Queue: int(math.Ceil(o.number("queue", 512, 0, inf))),
			Limit: int(math.Ceil(o.number("limit", 32, 1, inf))),
		}
	case "priority":
		p := &strategy.Priority{
			Limit:   o.whole("limit", 32, 1),
			Reserve: o.number("reserve", 0.2, 0, 1),
			P1Wait:  o.millis("p1WaitMs", 500, 0, inf),
			MaxWait: o.millis("maxWaitMs", 30_000, 0, inf),
			Queue:   o.whole("queue", 512, 0),
			P3Free:  o.number("p3Free", 0.1, 0, 1),
			Header:  o.header("header", "x-priority"),
		}
		if reserved := int(math.Round(float64(p.Limit) * p.Reserve)); p.Limit-reserved < 1 {
			o.problems = append(o.problems, fmt.Sprintf("reserve=%g keeps all %d slots for P0: P1-P3 would never be served", p.Reserve, p.Limit))
		}
		return p
	case "rate-limit":
		algorithm := o.choice("algorithm", "token-bucket", "token-bucket", "sliding-log")
		lo := 0.1
		if algorithm == "sliding-log" {
			lo = 1
		}
		rps := o.number("rps", 100, lo, inf)
		maxWait := o.millis("maxWaitMs", 5_000, 0, inf)
		if algorithm == "sliding-log" {
			return &strategy.RateLimit{Limiter: &strategy.SlidingLog{Limit: int(rps), MaxWait: maxWait, Now: time.Now}}
		}
		return &strategy.RateLimit{Limiter: &strategy.TokenBucket{RPS: rps, Burst: o.number("burst", max(1, rps/5), 1, inf), MaxWait: maxWait}}
	case "key-pool":
		keys := o.list("keys", "sk-busybench", "sk-busybench-2", "sk-busybench-3")
		if len(keys) == 0 {
			o.problems = append(o.problems, "keys: name at least one key")
			keys = []string{"sk-busybench"}
		}
		return &strategy.KeyPool{Keys: keys}
	case "balance-wrr", "balance-lor":
		b := &strategy.Balance{WRR: name == "balance-wrr", Failover: o.number("failover", 1, 0, 1) == 1}
		for _, w := range o.list("weights") {
			n, err := strconv.ParseFloat(w, 64)
			if err != nil || !(n > 0) || math.IsInf(n, 0) {
				o.problems = append(o.problems, fmt.Sprintf("weights: %q must be a number above 0", w))
			}
			b.Weights = append(b.Weights, n)
		}
		return b
	case "hedge":
		return &strategy.Hedge{
			Delay:     o.millis("delayMs", 500, 1, inf),
			MaxHedges: int(o.number("maxHedges", 1, 1, 5)),
		}
	case "cache":
		return cacheOf(o)
	case "fallback":
		return &strategy.Fallback{Message: strings.Join(o.list("message", "The assistant is busy right now. Please try again in a moment."), ", ")}
	}
	o.problems = append(o.problems, fmt.Sprintf("--strategy %q: the Go frame runs %s, alone or chained with +", name, strings.Join(Strategies, ", ")))
	return nil
}

// options reads a strategy's key=value options with bounds, as the Node frame's options.ts.
type options struct {
	raw      map[string]string
	used     map[string]bool
	problems []string
}

func (o *options) number(key string, fallback, lo, hi float64) float64 {
	o.used[key] = true
	v, ok := o.raw[key]
	if !ok {
		return fallback
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n < lo || n > hi {
		bounds := fmt.Sprintf("from %g", lo)
		if !math.IsInf(hi, 1) {
			bounds += fmt.Sprintf(" to %g", hi)
		}
		o.problems = append(o.problems, fmt.Sprintf("%s=%q must be a number %s", key, v, bounds))
		return fallback
	}
	return n
}

// whole is a count: a fraction of a slot would be rounded silently otherwise.
func (o *options) whole(key string, fallback, lo float64) int {
	n := o.number(key, fallback, lo, math.Inf(1))
	if n != math.Trunc(n) {
		o.problems = append(o.problems, fmt.Sprintf("%s=\"%g\" must be a whole number", key, n))
		return int(fallback)
	}
	return int(n)
}

func (o *options) choice(key, fallback string, choices ...string) string {
	o.used[key] = true
	v, ok := o.raw[key]
	if !ok {
		return fallback
	}
	if !slices.Contains(choices, v) {
		o.problems = append(o.problems, fmt.Sprintf("%s=%q must be one of %s", key, v, strings.Join(choices, ", ")))
		return fallback
	}
	return v
}

// list is a value split at "," or ";", empty parts left out.
func (o *options) list(key string, fallback ...string) []string {
	o.used[key] = true
	v, ok := o.raw[key]
	if !ok {
		return fallback
	}
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' })
}

// header is one header name (an HTTP token), lowercase.
func (o *options) header(key, fallback string) string {
	o.used[key] = true
	v, ok := o.raw[key]
	if !ok {
		return fallback
	}
	v = strings.ToLower(v)
	if v == "" || strings.IndexFunc(v, func(r rune) bool { return !strings.ContainsRune(tokenChars, r) }) >= 0 {
		o.problems = append(o.problems, fmt.Sprintf("%s=%q must be one header name", key, v))
		return fallback
	}
	return v
}

const tokenChars = "!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyz-"

func (o *options) millis(key string, fallback, lo, hi float64) time.Duration {
	return time.Duration(o.number(key, fallback, lo, hi) * float64(time.Millisecond))
}

// done names the options nobody read.
func (o *options) done(name string) []string {
	for k := range o.raw {
		if !o.used[k] {
			o.problems = append(o.problems, fmt.Sprintf("%s has no option %q", name, k))
		}
	}
	return o.problems
}

// cacheOf is the cache with its store: in the frame's memory (the default), or in Redis at
// redisUrl (the launcher, strategies/src/go-frame.ts, starts a redis-server of our own and names
// it when the user gave none). Options of the other store are not read, so done() reports them.
func cacheOf(o *options) strategy.Strategy {
	store := o.choice("store", "memory", "memory", "redis")
	ttl := o.millis("ttlMs", 60_000, 1, math.Inf(1))
	if store == "memory" {
		m := &strategy.MemoryStore{TTL: ttl, Max: int(o.number("maxEntries", 10_000, 1, math.Inf(1))), Now: time.Now}
		return &strategy.Cache{Store: m, Entries: m.Size}
	}
	o.used["redisUrl"] = true
	raw, given := o.raw["redisUrl"]
	timeout := o.millis("redisTimeoutMs", 50, 1, 10_000)
	if !given {
		o.problems = append(o.problems, "redisUrl: the Go frame needs one (busybench strategy starts a redis-server of its own when none is given)")
	} else if _, err := strategy.RedisOptions(raw, timeout); err != nil || !strings.HasPrefix(raw, "redis://") && !strings.HasPrefix(raw, "rediss://") {
		o.problems = append(o.problems, fmt.Sprintf("redisUrl=%q must be a redis:// or rediss:// URL", raw))
	}
	return &strategy.Cache{Store: &strategy.RedisStore{URL: raw, TTL: ttl, Timeout: timeout}, Remote: true}
}
