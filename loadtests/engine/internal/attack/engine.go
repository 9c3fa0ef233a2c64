// Package attack sends a plan's arrivals on schedule (an open model: each request starts when
// it is due, whatever the server does), reads every answer whole, and records what a client
// saw. A request that cannot start on time is never silently delayed: past the in-flight cap
// it is dropped, and one that starts behind its due time is counted late, per step.
package attack

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"busybench/engine/internal/guard"
	"busybench/engine/internal/outcome"
	"busybench/engine/internal/plan"
	"busybench/engine/internal/results"
	"busybench/engine/internal/saturation"
	"busybench/engine/internal/schedule"
	"busybench/engine/internal/sla"
)

// Engine runs one plan (or one segment of it).
type Engine struct {
	plan     *plan.Plan
	sched    schedule.Source
	seg      schedule.Segment
	api      string
	url      string
	client   *http.Client
	timeout  time.Duration
	mix      *mix
	out      *results.Writer
	Run      *sla.Run
	inFlight atomic.Int64

	dropMu  sync.Mutex
	pending map[int]int // dropped arrivals per step, not yet written

	// Breach is closed when a step breaks an SLA line and the plan stops at the first breach.
	Breach     chan struct{}
	breachOnce sync.Once
	// Saturated is closed when the plan stops when saturated and the target plainly is
	// (SaturatedWhy says how it showed); sat is nil for other plans.
	Saturated     chan struct{}
	SaturatedWhy  string
	saturatedOnce sync.Once
	sat           *saturation.Detector
	// Err is why the arrivals ended before the schedule did (a trace that could not be read on).
	Err error
}

// paths are where each API's requests go, under the target's base URL (DeepSeek's own layout:
// the Anthropic format lives under /anthropic, where Anthropic's SDK adds /v1/messages).
var paths = map[string]string{"openai": "/chat/completions", "anthropic": "/anthropic/v1/messages"}

// New prepares an engine: the HTTP client (dialling loopback only unless the plan allows
// remote targets), the mix the requests are drawn from, the arrivals (a profile's schedule or
// a trace, read once through here) and the steps.
func New(p *plan.Plan, seg schedule.Segment, out *results.Writer) (*Engine, error) {
	m, err := newMix(p.Mix, p.Seed)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowRemote {
		// Whatever passed the URL check, no socket may connect to another host.
		dialer.Control = guard.Control
	}
	transport := &http.Transport{
		DialContext:         dialer.DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: p.MaxInFlight,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		WriteBufferSize:     16 << 10,
		ForceAttemptHTTP2:   false,
	}
	var sched schedule.Source
	if p.Trace != nil {
		t, err := schedule.OpenTrace(*p.Trace)
		if err != nil {
			return nil, err
		}
		if len(t.Info.Windows) != len(p.Profile.Steps) {
			return nil, fmt.Errorf("the plan has %d steps, the trace's replay %d windows: write the plan again (busybench load)",
				len(p.Profile.Steps), len(t.Info.Windows))
		}
		sched = t
	} else {
		arrivals := plan.Arrivals{}
		if p.Arrivals != nil {
			arrivals = *p.Arrivals
		}
		sched = schedule.NewWith(p.Profile.Phases, arrivals, p.Seed)
	}
	api := p.API
	if api == "" {
		api = "openai"
	}
	e := &Engine{
		plan: p, sched: sched, seg: seg, out: out, mix: m, api: api,
		url:       strings.TrimRight(p.Target, "/") + paths[api],
		client:    &http.Client{Transport: transport, CheckRedirect: noRedirects},
		timeout:   time.Duration(p.TimeoutMs * float64(time.Millisecond)),
		Run:       sla.NewRun(p.SLA, p.Profile.Steps, sched.PerStep(seg)),
		pending:   map[int]int{},
		Breach:    make(chan struct{}),
		Saturated: make(chan struct{}),
	}
	if p.StopWhenSaturated {
		e.sat = &saturation.Detector{}
	}
	return e, nil
}

// A redirect is an answer of its own (classified malformed), never followed to another host.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Schedule is the run's arrivals.
func (e *Engine) Schedule() schedule.Source { return e.sched }

// InFlight is the number of requests under way.
func (e *Engine) InFlight() int64 { return e.inFlight.Load() }

// Attack sends the segment's arrivals until the schedule ends or stop is cancelled, then waits
// for the requests under way; `abandon` cancels those too (their results are not written).
func (e *Engine) Attack(stop, abandon context.Context) {
	started := time.Now()
	var wg sync.WaitGroup
	if e.sat != nil {
		done := make(chan struct{})
		defer close(done)
		go e.watchSaturation(done)
	}
	flushDrops := time.NewTicker(results.FlushEvery)
	defer flushDrops.Stop()
	timer := time.NewTimer(0)
	<-timer.C
	it := e.sched.Iter(e.seg)
	for {
		h, ok := it.Next()
		if !ok {
			break
		}
		due := started.Add(h.Due)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-stop.Done():
				timer.Stop()
				e.writeDrops()
				wg.Wait()
				return
			}
		} else if stop.Err() != nil {
			break
		}
		select {
		case <-flushDrops.C:
			e.writeDrops()
		default:
		}
		step := e.Run.Step(h.Step)
		if e.inFlight.Load() >= int64(e.plan.MaxInFlight) {
			step.Drop()
			e.dropMu.Lock()
			e.pending[h.Step]++
			e.dropMu.Unlock()
			e.settle(step)
			continue
		}
		e.inFlight.Add(1)
		step.Dispatch()
		wg.Add(1)
		go func(h schedule.Hit, due time.Time) {
			defer wg.Done()
			defer e.inFlight.Add(-1)
			e.request(abandon, h, due, step)
		}(h, due)
	}
	e.Err = it.Err()
	e.writeDrops()
	wg.Wait()
}

// writeDrops writes the dropped arrivals gathered since the last call, one line per step.
func (e *Engine) writeDrops() {
	e.dropMu.Lock()
	defer e.dropMu.Unlock()
	now := time.Now()
	for step, n := range e.pending {
		rate := e.Run.Step(step).TargetRate
		e.out.Append(func(b []byte) []byte { return results.AppendDropped(b, now, step, rate, n) })
		delete(e.pending, step)
	}
}

var retryable = map[string]bool{outcome.R429: true, outcome.R503: true, outcome.R5xx: true,
	outcome.Timeout: true, outcome.Network: true}

// request sends one arrival, with the plan's client retries, and records it.
func (e *Engine) request(abandon context.Context, h schedule.Hit, due time.Time, step *sla.Step) {
	r := e.mix.pick(h)
	ss := e.mix.sessions
	if r.place != nil {
		r.history = ss.begin(*r.place, r.prompt, r.own)
	}
	// Built before the clock starts: a long prompt's body is the client's work, not the
	// server's wait (it shows as lateness if it ever makes a request start behind its time).
	body := r.body(e.api)
	start := time.Now()
	var a answer
	attempts := 0
	for {
		attempts++
		a = e.exchange(abandon, &r, body, start)
		if abandon.Err() != nil {
			step.Cancel()
			e.settle(step)
			return
		}
		if !retryable[a.class] || attempts > e.plan.Retries {
			break
		}
		if !sleepCtx(abandon, e.backoff(attempts, a.retryAfter)) {
			step.Cancel()
			e.settle(step)
			return
		}
	}
	latency := time.Since(start)
	late := start.Sub(due)
	if late < 0 {
		late = 0
	}
	line := results.Request{Sent: start, Late: late, Step: h.Step, Rate: h.TargetRate, Stream: r.stream,
		Status: a.status, Outcome: a.class, Latency: latency, TTFB: a.ttfb, TTFT: a.ttft, ITL: a.itl,
		Tokens: a.tokens, Attempts: attempts, Priority: r.priority, User: r.user}
	if p := r.place; p != nil {
		// Only a whole, real answer goes back into the conversation.
		var kept []byte
		if a.class == outcome.OK {
			kept = appendString(nil, string(a.text))
		}
		ss.end(*p, kept)
		line.Session = &results.Turn{Conversation: ss.id(*p), Turn: p.turn, History: len(r.history),
			Prompt: a.prompt, Cached: a.cached}
	}
	e.out.Append(line.AppendJSON)
	if e.sat != nil {
		// A stream's first token (its keep-alive lines come first, as DeepSeek's do while it
		// queues a request); a whole answer's first byte.
		first := a.ttft
		if first == 0 {
			first = a.ttfb
		}
		e.sat.Completed(a.class == outcome.OK, first)
	}
	step.Record(sla.Result{Sent: start, Late: late, Outcome: a.class, Latency: latency, TTFT: a.ttft,
		ITL: a.itl, Attempts: attempts, Priority: r.priority})
	e.settle(step)
}

// backoff: exponential with full jitter (random 0 … base·2^(n-1), at most 10 s); a Retry-After
// header wins.
func (e *Engine) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	ceiling := time.Duration(e.plan.RetryBaseMs*float64(time.Millisecond)) << (attempt - 1)
	if ceiling > 10*time.Second || ceiling <= 0 {
		ceiling = 10 * time.Second
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// watchSaturation closes each second of the run until done; once the target is plainly
// saturated it says why and closes Saturated (the caller stops the arrivals, as at a breach).
func (e *Engine) watchSaturation(done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			if why := e.sat.Tick(e.inFlight.Load()); why != "" {
				e.saturatedOnce.Do(func() {
					e.SaturatedWhy = why
					close(e.Saturated)
				})
				return
			}
		}
	}
}

// settle judges a step as soon as its figures are final; a breach stops a breakpoint run.
func (e *Engine) settle(step *sla.Step) {
	if !step.Done() {
		return
	}
	if broken := e.Run.Settle(step); len(broken) > 0 && e.plan.Profile.AbortOnBreach {
		e.breachOnce.Do(func() { close(e.Breach) })
	}
}

// TurnsShort is, for a session run, how many turns were sent while an earlier turn of their
// conversation had no answer; nil for other runs.
func (e *Engine) TurnsShort() *uint64 {
	if e.mix.sessions == nil {
		return nil
	}
	n := e.mix.sessions.short.Load()
	return &n
}

// Timeout is the per-request timeout.
func (e *Engine) Timeout() time.Duration { return e.timeout }
