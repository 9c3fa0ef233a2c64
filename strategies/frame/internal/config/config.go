// Package config reads the frame's command line into a checked configuration: every problem
// reported at once, each under the component's one error code (errors.go).
package config

import (
	"flag"
	"fmt"
	"io"
	"net/url"
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

// Strategies the Go frame runs; the others run in the Node frame (strategies/src).
var Strategies = []string{"passthrough", "retry"}

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
	o := &options{raw: raw, used: map[string]bool{}}
	switch *name {
	case "passthrough":
		c.Strategy = strategy.Passthrough{}
	case "retry":
		c.Strategy = &strategy.Retry{
			Retries: int(o.number("retries", 3, 0, 20)),
			Base:    o.millis("baseMs", 100, 1, 60_000),
			Max:     o.millis("maxMs", 5_000, 1, 600_000),
			Budget:  strategy.NewBudget(o.number("budget", 0.5, 0, 10)),
		}
	default:
		problems = append(problems, fmt.Sprintf("--strategy %q: the Go frame runs %s", *name, strings.Join(Strategies, ", ")))
	}
	problems = append(problems, o.done(*name)...)
	if len(problems) > 0 {
		return nil, problems
	}
	return c, nil
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
	if err != nil || n < lo || n > hi {
		o.problems = append(o.problems, fmt.Sprintf("%s=%q must be a number from %g to %g", key, v, lo, hi))
		return fallback
	}
	return n
}

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
