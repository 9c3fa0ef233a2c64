// Package plan reads the run the CLI prepared (loadtests/plan.ts writes it): target, schedule,
// request mix, SLA and limits. Every problem is reported at once.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"busybench/engine/contract"
)

// Phase is a stretch of the schedule whose arrival rate goes linearly from FromRate to ToRate.
type Phase struct {
	Step       int     `json:"step"`
	TargetRate float64 `json:"targetRate"`
	FromRate   float64 `json:"fromRate"`
	ToRate     float64 `json:"toRate"`
	DurationMs float64 `json:"durationMs"`
}

// Step is what results are split by: each request belongs to the step of its due time.
type Step struct {
	Index      int     `json:"index"`
	StartMs    float64 `json:"startMs"`
	EndMs      float64 `json:"endMs"`
	TargetRate float64 `json:"targetRate"`
}

type Profile struct {
	Name          string  `json:"name"`
	Phases        []Phase `json:"phases"`
	Steps         []Step  `json:"steps"`
	AbortOnBreach bool    `json:"abortOnBreach"`
}

type Mix struct {
	StreamRatio float64            `json:"streamRatio"`
	Models      map[string]float64 `json:"models"`
	PromptChars []int              `json:"promptChars"`
	MaxTokens   int                `json:"maxTokens"`
	Keys        []string           `json:"keys"`
	// Share of requests sent with thinking enabled, 0..1, the others with it disabled; nil (null
	// or absent) sends no thinking field, the model's default.
	Thinking *float64 `json:"thinking"`
	// Priority class → weight (P0..P3, normalised; a class left out weighs 0). nil (null or
	// absent): no x-priority header, no classes.
	Priority map[string]float64 `json:"priority"`
	// Users: each request carries DeepSeek's user_id, drawn from Count users (uniformly, or by
	// Zipf's law of exponent Zipf when it is above 0); nil: no user_id.
	Users *Users `json:"users,omitempty"`
	// ReuseShare: the share of requests that repeat an earlier request's body exactly (a cache
	// can hit them); the others are distinct. 0: every body distinct.
	ReuseShare float64 `json:"reuseShare,omitempty"`
	// Sessions: multi-turn conversations; nil: every request is a one-message prompt.
	Sessions *Sessions `json:"sessions,omitempty"`
}

// Sessions spreads the arrivals over Count conversations in turn (arrival k is a turn of
// conversation k mod Count), each Turns turns long before it starts afresh. A turn sends the
// whole conversation so far, the answers that came back included, so prompts grow and each
// turn's prompt begins with the one before.
type Sessions struct {
	Count int `json:"count"`
	Turns int `json:"turns"`
}

// The bounds of a plan's sessions: the engine keeps every open conversation's answers, so the
// product (times the answers' length) is the memory a session run holds.
const (
	MaxSessions = 100_000
	MaxTurns    = 100
)

// Users is the population a run's requests come from.
type Users struct {
	Count int     `json:"count"`
	Zipf  float64 `json:"zipf,omitempty"`
}

// Arrivals says how arrivals spread around the planned rate. Evenly spaced ("constant") has no
// variance; real clients bunch: "poisson" (independent users, exponential gaps, CV 1) and
// "gamma" with CV (gaps with that coefficient of variation: above 1 burstier than Poisson,
// below it more regular). The planned rate stays the mean rate in every phase.
type Arrivals struct {
	Kind string  `json:"kind"`
	CV   float64 `json:"cv,omitempty"`
}

// Even reports whether arrivals are evenly spaced.
func (a Arrivals) Even() bool { return a.Kind == "" || a.Kind == "constant" }

// Trace is what of a trace is replayed, and how fast, in place of the profile's phases.
type Trace struct {
	File   string `json:"file"`
	Format string `json:"format,omitempty"`
	// Speed: X times faster than recorded; MeanRate (req/s), when set, picks the speed that
	// gives that mean rate instead, the shape kept. Neither: as recorded.
	Speed    float64 `json:"speed,omitempty"`
	MeanRate float64 `json:"meanRate,omitempty"`
	// The stretch of the trace replayed, in the trace's own time: from StartMs, DurationMs long
	// (0: to its end).
	StartMs    float64 `json:"startMs,omitempty"`
	DurationMs float64 `json:"durationMs,omitempty"`
	// Loops: the stretch replayed that many times back to back (default 1).
	Loops int `json:"loops,omitempty"`
	// The run's time windows (its steps, each judged by the SLA): Windows of equal length
	// (default 10), or windows WindowMs long (of run time).
	Windows  int     `json:"windows,omitempty"`
	WindowMs float64 `json:"windowMs,omitempty"`
}

// APIs are the request formats the engine speaks: DeepSeek's OpenAI-format chat completions
// and its Anthropic-format messages.
var APIs = []string{"openai", "anthropic"}

// PriorityClasses are the classes of the x-priority header, most urgent first: P0 urgent, P1
// interactive, P2 normal (a request without the header), P3 batch.
var PriorityClasses = []string{"P0", "P1", "P2", "P3"}

// IsPriorityClass reports whether c is one of PriorityClasses.
func IsPriorityClass(c string) bool {
	for _, p := range PriorityClasses {
		if p == c {
			return true
		}
	}
	return false
}

// ClassSLA is the SLA's lines for one priority class, judged on that class's requests only.
// Every line is optional: a nil SuccessRate or an empty map draws no line.
type ClassSLA struct {
	SuccessRate *float64           `json:"successRate,omitempty"`
	LatencyMs   map[string]float64 `json:"latencyMs,omitempty"`
	TTFTMs      map[string]float64 `json:"ttftMs,omitempty"`
	ErrorRates  map[string]float64 `json:"errorRates,omitempty"`
}

// SLA as the CLI validated it: milliseconds, percentile keys like "p99" or "p99.9".
type SLA struct {
	Name                 string             `json:"name"`
	SuccessRate          float64            `json:"successRate"`
	LatencyMs            map[string]float64 `json:"latencyMs"`
	TTFTMs               map[string]float64 `json:"ttftMs"`
	ErrorRates           map[string]float64 `json:"errorRates"`
	MaxDroppedIterations int                `json:"maxDroppedIterations"`
	// QueueLength: the strategy's queue under this at every scrape (the guides' 队列堆积量 < 500).
	// The collector judges it (it scrapes the strategy's busybench_strategy_queue_length); the
	// engine sees its clients only, so it carries the line and says whose it is (sla.CollectorLines).
	QueueLength *int `json:"queueLength,omitempty"`
	// Lines per priority class ("P0": ...), beside the lines above (which judge every request).
	Classes map[string]ClassSLA `json:"classes,omitempty"`
}

type Plan struct {
	Version     int     `json:"version"`
	Target      string  `json:"target"`
	AllowRemote bool    `json:"allowRemote"`
	Profile     Profile `json:"profile"`
	Mix         Mix     `json:"mix"`
	SLA         SLA     `json:"sla"`
	MaxInFlight int     `json:"maxInFlight"`
	TimeoutMs   float64 `json:"timeoutMs"`
	Retries     int     `json:"retries"`
	RetryBaseMs float64 `json:"retryBaseMs"`
	Seed        uint64  `json:"seed"`
	// Arrivals within the phases (nil: evenly spaced); a trace brings its own.
	Arrivals *Arrivals `json:"arrivals,omitempty"`
	// Trace, when set, replaces the phases: its rows are the arrivals, its windows the steps.
	Trace *Trace `json:"trace,omitempty"`
	// API: "openai" (default) or "anthropic".
	API string `json:"api,omitempty"`
	// StopWhenSaturated ends the arrivals once the target is plainly past saturation
	// (internal/saturation): `busybench load --stop-when-saturated`.
	StopWhenSaturated bool `json:"stopWhenSaturated,omitempty"`
}

// ErrInvalid is wrapped by every problem with a plan.
var ErrInvalid = errors.New("invalid plan")

var percentileKey = regexp.MustCompile(`^p\d+(\.\d+)?$`)

// validPercentile: pN with 0 < N <= 100, as the kit's SLA file takes (common/sla/sla.ts).
func validPercentile(k string) bool {
	if !percentileKey.MatchString(k) {
		return false
	}
	n, err := strconv.ParseFloat(k[1:], 64)
	return err == nil && n > 0 && n <= 100
}

// Load reads and checks a plan file.
func Load(path string) (*Plan, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return Parse(raw)
}

// Parse decodes a plan strictly (an unknown field is a mistake) and checks it.
func Parse(raw []byte) (*Plan, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if problems := p.problems(); len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return &p, nil
}

func (p *Plan) problems() []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	if p.Version != 1 {
		add("version must be 1, not %d", p.Version)
	}
	if p.Target == "" {
		add("target is missing")
	}
	if len(p.Profile.Phases) == 0 && p.Trace == nil {
		add("profile.phases is empty")
	}
	if p.Trace != nil {
		t := p.Trace
		if t.File == "" {
			add("trace.file is missing")
		}
		if t.Speed < 0 || t.MeanRate < 0 || t.StartMs < 0 || t.DurationMs < 0 || t.Loops < 0 || t.Windows < 0 || t.WindowMs < 0 {
			add("trace: speed, meanRate, startMs, durationMs, loops, windows and windowMs must be >= 0")
		}
		if t.Speed > 0 && t.MeanRate > 0 {
			add("trace: give speed or meanRate, not both")
		}
		if len(p.Profile.Steps) == 0 {
			add("profile.steps is empty (a trace's windows)")
		}
	}
	if a := p.Arrivals; a != nil && !(a.Even() || a.Kind == "poisson" && a.CV == 0 || a.Kind == "gamma" && a.CV > 0 && a.CV <= 20) {
		add("arrivals must be constant, poisson, or gamma with 0 < cv <= 20")
	}
	if p.API != "" && p.API != "openai" && p.API != "anthropic" {
		add("api must be openai or anthropic")
	}
	if u := p.Mix.Users; u != nil && (u.Count < 1 || u.Zipf < 0 || u.Zipf > 10) {
		add("mix.users: count must be >= 1 and zipf within 0..10")
	}
	if r := p.Mix.ReuseShare; r < 0 || r > 1 {
		add("mix.reuseShare must be a share between 0 and 1")
	}
	if ss := p.Mix.Sessions; ss != nil {
		if ss.Count < 1 || ss.Count > MaxSessions || ss.Turns < 1 || ss.Turns > MaxTurns {
			add("mix.sessions: count must be within 1..%d and turns within 1..%d", MaxSessions, MaxTurns)
		}
		if p.Trace != nil || p.Mix.ReuseShare > 0 {
			add("mix.sessions does not go with a trace or mix.reuseShare (each brings its own repeats)")
		}
	}
	for i, ph := range p.Profile.Phases {
		if ph.FromRate < 0 || ph.ToRate < 0 || ph.DurationMs <= 0 {
			add("profile.phases[%d]: rates must be >= 0 and durationMs > 0", i)
		}
		if ph.Step < 0 || ph.Step >= len(p.Profile.Steps) || p.Profile.Steps[ph.Step].Index != ph.Step {
			add("profile.phases[%d]: step %d is not in profile.steps", i, ph.Step)
		}
	}
	if p.Mix.StreamRatio < 0 || p.Mix.StreamRatio > 1 {
		add("mix.streamRatio must be within 0..1")
	}
	weight := 0.0
	for m, w := range p.Mix.Models {
		if m == "" || w < 0 {
			add("mix.models: %q has a negative weight", m)
		}
		weight += w
	}
	if weight <= 0 {
		add("mix.models needs a model with a positive weight")
	}
	if len(p.Mix.PromptChars) == 0 {
		add("mix.promptChars is empty")
	}
	if len(p.Mix.Keys) == 0 {
		add("mix.keys is empty")
	}
	if t := p.Mix.Thinking; t != nil && (*t < 0 || *t > 1) {
		add("mix.thinking must be a share between 0 and 1, or null")
	}
	if p.Mix.Priority != nil {
		total := 0.0
		for c, w := range p.Mix.Priority {
			if !IsPriorityClass(c) {
				add("mix.priority: %q is not a priority class (P0, P1, P2, P3)", c)
			}
			if w < 0 {
				add("mix.priority: %q has a negative weight", c)
			}
			total += w
		}
		if total <= 0 {
			add("mix.priority needs a class with a positive weight, or null")
		}
	}
	if p.MaxInFlight < 1 {
		add("maxInFlight must be at least 1")
	}
	if p.TimeoutMs <= 0 {
		add("timeoutMs must be positive")
	}
	if p.Retries < 0 {
		add("retries must be >= 0")
	}
	lineProblems("sla", p.SLA.LatencyMs, p.SLA.TTFTMs, p.SLA.ErrorRates, add)
	if q := p.SLA.QueueLength; q != nil && *q < 1 {
		add("sla.queueLength must be at least 1")
	}
	for c, cs := range p.SLA.Classes {
		where := "sla.classes." + c
		if !IsPriorityClass(c) {
			add("sla.classes: %q is not a priority class (P0, P1, P2, P3)", c)
		}
		if r := cs.SuccessRate; r != nil && (*r < 0 || *r > 1) {
			add("%s.successRate must be within 0..1", where)
		}
		lineProblems(where, cs.LatencyMs, cs.TTFTMs, cs.ErrorRates, add)
	}
	return out
}

// MeanKey is a latency or TTFT line on the mean rather than a percentile (common/sla/sla.ts).
const MeanKey = "avg"

// lineProblems checks the keys of an SLA's latency, TTFT and error-rate lines.
func lineProblems(where string, latency, ttft, errorRates map[string]float64, add func(string, ...any)) {
	for k := range latency {
		if k != MeanKey && !validPercentile(k) {
			add("%s.latencyMs: %q is not a percentile like p99 (0 < N <= 100) nor avg", where, k)
		}
	}
	for k := range ttft {
		if k != MeanKey && !validPercentile(k) {
			add("%s.ttftMs: %q is not a percentile like p99 (0 < N <= 100) nor avg", where, k)
		}
	}
	for k, v := range errorRates {
		if k == "ok" || !contract.Known(k) {
			add("%s.errorRates: %q is not an error class", where, k)
		}
		if v < 0 || v > 1 {
			add("%s.errorRates: %q must be a share within 0..1", where, k)
		}
	}
}
