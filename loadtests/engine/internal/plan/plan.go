// Package plan reads the run the CLI prepared (loadtests/plan.ts writes it): target, schedule,
// request mix, SLA and limits. Every problem is reported at once.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
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
}

// SLA as the CLI validated it: milliseconds, percentile keys like "p99" or "p99.9".
type SLA struct {
	Name                 string             `json:"name"`
	SuccessRate          float64            `json:"successRate"`
	LatencyMs            map[string]float64 `json:"latencyMs"`
	TTFTMs               map[string]float64 `json:"ttftMs"`
	ErrorRates           map[string]float64 `json:"errorRates"`
	MaxDroppedIterations int                `json:"maxDroppedIterations"`
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
}

// ErrInvalid is wrapped by every problem with a plan.
var ErrInvalid = errors.New("invalid plan")

var percentileKey = regexp.MustCompile(`^p\d+(\.\d+)?$`)

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
	if len(p.Profile.Phases) == 0 {
		add("profile.phases is empty")
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
	if p.MaxInFlight < 1 {
		add("maxInFlight must be at least 1")
	}
	if p.TimeoutMs <= 0 {
		add("timeoutMs must be positive")
	}
	if p.Retries < 0 {
		add("retries must be >= 0")
	}
	for k := range p.SLA.LatencyMs {
		if !percentileKey.MatchString(k) {
			add("sla.latencyMs: %q is not a percentile like p99", k)
		}
	}
	for k := range p.SLA.TTFTMs {
		if !percentileKey.MatchString(k) {
			add("sla.ttftMs: %q is not a percentile like p99", k)
		}
	}
	for k := range p.SLA.ErrorRates {
		if k == "ok" || !contract.Known(k) {
			add("sla.errorRates: %q is not an error class", k)
		}
	}
	return out
}
