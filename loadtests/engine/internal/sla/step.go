// Package sla keeps each step's figures as the run goes and judges the SLA on them: every line
// per step, so a breach names its step, as the k6 thresholds did.
package sla

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"busybench/engine/internal/plan"
)

// LateAfter: a request started more than this after it was due is late (shared/benchmarking.md).
const LateAfter = 5 * time.Millisecond

func newHist() *hdrhistogram.Histogram {
	// Microseconds, 1 µs to 10 minutes, 3 significant digits: the collector's precision.
	return hdrhistogram.New(1, 600_000_000, 3)
}

func record(h *hdrhistogram.Histogram, d time.Duration) {
	us := d.Microseconds()
	if us < 1 {
		us = 1
	}
	if us > h.HighestTrackableValue() {
		us = h.HighestTrackableValue()
	}
	_ = h.RecordValue(us)
}

// Step holds one step's figures. Safe for concurrent use.
type Step struct {
	Index      int
	TargetRate float64
	// Scheduled: this segment's arrivals in the step.
	Scheduled uint64

	mu         sync.Mutex
	dispatched uint64
	dropped    uint64
	completed  uint64
	cancelled  uint64
	attempts   uint64
	late       uint64
	counts     map[string]uint64
	latency    *hdrhistogram.Histogram
	ttft       *hdrhistogram.Histogram
	// Per priority class, made on its first request (a plan without classes has none).
	classes  map[string]*tally
	itl      *hdrhistogram.Histogram
	lateness *hdrhistogram.Histogram
	first    time.Time
	last     time.Time
	judged   bool
}

func newStep(index int, rate float64, scheduled uint64) *Step {
	return &Step{Index: index, TargetRate: rate, Scheduled: scheduled, counts: map[string]uint64{},
		latency: newHist(), ttft: newHist(), itl: newHist(), lateness: newHist(), classes: map[string]*tally{}}
}

// tally is what an SLA line is judged on: requests by outcome, latency and TTFT; the step's own
// (every request) or one priority class's.
type tally struct {
	counts  map[string]uint64
	latency *hdrhistogram.Histogram
	ttft    *hdrhistogram.Histogram // nil until a class's first stream: few classes stream
}

func (t *tally) requests() uint64 {
	n := uint64(0)
	for _, c := range t.counts {
		n += c
	}
	return n
}

// measure reads a line's key of a histogram in ms: "p99.9" (any pN) or "avg" (the mean); false
// when it holds nothing.
func measure(h *hdrhistogram.Histogram, key string) (float64, bool) {
	if key == plan.MeanKey {
		if h == nil || h.TotalCount() == 0 {
			return 0, false
		}
		return h.Mean() / 1000, true
	}
	return quantile(h, quantileOf(key))
}

// quantile reads "p99.9" (any pN) of a histogram in ms; false when it holds nothing.
func quantile(h *hdrhistogram.Histogram, q float64) (float64, bool) {
	if h == nil || h.TotalCount() == 0 {
		return 0, false
	}
	return float64(h.ValueAtQuantile(q)) / 1000, true
}

// Dispatch counts an arrival sent, Drop one that was not.
func (s *Step) Dispatch() { s.mu.Lock(); s.dispatched++; s.mu.Unlock() }
func (s *Step) Drop()     { s.mu.Lock(); s.dropped++; s.mu.Unlock() }

// Cancel counts a request the engine itself abandoned (a second Ctrl-C): not a result.
func (s *Step) Cancel() { s.mu.Lock(); s.completed++; s.cancelled++; s.mu.Unlock() }

// Result is what Record needs of a finished request.
type Result struct {
	Sent     time.Time
	Late     time.Duration
	Outcome  string
	Latency  time.Duration
	TTFT     time.Duration
	ITL      []time.Duration
	Attempts int
	// Priority is the request's class, "" when it had none.
	Priority string
}

// Record adds a finished request.
func (s *Step) Record(r Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.completed++
	s.attempts += uint64(r.Attempts)
	s.counts[r.Outcome]++
	record(s.latency, r.Latency)
	if r.TTFT > 0 {
		record(s.ttft, r.TTFT)
	}
	for _, g := range r.ITL {
		record(s.itl, g)
	}
	if r.Priority != "" {
		c := s.classes[r.Priority]
		if c == nil {
			c = &tally{counts: map[string]uint64{}, latency: newHist()}
			s.classes[r.Priority] = c
		}
		c.counts[r.Outcome]++
		record(c.latency, r.Latency)
		if r.TTFT > 0 {
			if c.ttft == nil {
				c.ttft = newHist()
			}
			record(c.ttft, r.TTFT)
		}
	}
	record(s.lateness, r.Late)
	if r.Late > LateAfter {
		s.late++
	}
	if s.first.IsZero() || r.Sent.Before(s.first) {
		s.first = r.Sent
	}
	if r.Sent.After(s.last) {
		s.last = r.Sent
	}
}

// Done reports whether every arrival of the step has been sent or dropped and every request
// sent has finished: the step's figures are final.
func (s *Step) Done() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dispatched+s.dropped == s.Scheduled && s.completed == s.dispatched
}

// Figures is a step's summary.
type Figures struct {
	Step         int               `json:"step"`
	TargetRate   float64           `json:"targetRate"`
	Scheduled    uint64            `json:"scheduled"`
	Requests     uint64            `json:"requests"`
	Attempts     uint64            `json:"attempts"`
	Dropped      uint64            `json:"dropped"`
	Late         uint64            `json:"late"`
	Cancelled    uint64            `json:"cancelled"`
	LateP99Ms    float64           `json:"lateP99Ms"`
	AchievedRate float64           `json:"achievedRate"`
	SuccessRate  *float64          `json:"successRate"`
	Errors       map[string]uint64 `json:"errors"`
	P50Ms        *float64          `json:"p50Ms"`
	P99Ms        *float64          `json:"p99Ms"`
	TTFTP50Ms    *float64          `json:"ttftP50Ms"`
	TTFTP95Ms    *float64          `json:"ttftP95Ms"`
	ITLP50Ms     *float64          `json:"interTokenP50Ms"`
	ITLP99Ms     *float64          `json:"interTokenP99Ms"`
	// Per priority class (P0..P3) that had requests in the step; absent when none had.
	Classes map[string]ClassFigures `json:"classes,omitempty"`
}

// ClassFigures is one priority class's share of a step.
type ClassFigures struct {
	Requests    uint64            `json:"requests"`
	SuccessRate *float64          `json:"successRate"`
	Errors      map[string]uint64 `json:"errors"`
	P50Ms       *float64          `json:"p50Ms"`
	P99Ms       *float64          `json:"p99Ms"`
	TTFTP50Ms   *float64          `json:"ttftP50Ms"`
	TTFTP95Ms   *float64          `json:"ttftP95Ms"`
}

func (t *tally) figures() ClassFigures {
	f := ClassFigures{Requests: t.requests(), Errors: map[string]uint64{}, P50Ms: quantileMs(t.latency, 50),
		P99Ms: quantileMs(t.latency, 99), TTFTP50Ms: quantileMs(t.ttft, 50), TTFTP95Ms: quantileMs(t.ttft, 95)}
	for class, n := range t.counts {
		if class != "ok" {
			f.Errors[class] = n
		}
	}
	if f.Requests > 0 {
		rate := float64(t.counts["ok"]) / float64(f.Requests)
		f.SuccessRate = &rate
	}
	return f
}

func quantileMs(h *hdrhistogram.Histogram, q float64) *float64 {
	if h == nil || h.TotalCount() == 0 {
		return nil
	}
	v := float64(h.ValueAtQuantile(q)) / 1000
	return &v
}

// Figures summarises the step as it stands.
func (s *Step) Figures() Figures {
	s.mu.Lock()
	defer s.mu.Unlock()
	requests := s.completed - s.cancelled
	f := Figures{Step: s.Index, TargetRate: s.TargetRate, Scheduled: s.Scheduled, Requests: requests,
		Attempts: s.attempts, Dropped: s.dropped, Late: s.late, Cancelled: s.cancelled, Errors: map[string]uint64{},
		P50Ms: quantileMs(s.latency, 50), P99Ms: quantileMs(s.latency, 99),
		TTFTP50Ms: quantileMs(s.ttft, 50), TTFTP95Ms: quantileMs(s.ttft, 95),
		ITLP50Ms: quantileMs(s.itl, 50), ITLP99Ms: quantileMs(s.itl, 99)}
	if p := quantileMs(s.lateness, 99); p != nil {
		f.LateP99Ms = *p
	}
	for class, n := range s.counts {
		if class != "ok" {
			f.Errors[class] = n
		}
	}
	for c, t := range s.classes {
		if f.Classes == nil {
			f.Classes = map[string]ClassFigures{}
		}
		f.Classes[c] = t.figures()
	}
	if requests > 0 {
		rate := float64(s.counts["ok"]) / float64(requests)
		f.SuccessRate = &rate
	}
	switch span := s.last.Sub(s.first).Seconds(); {
	case requests > 1 && span > 0:
		// Arrivals per second over the span of their send times: n arrivals span n-1 gaps.
		f.AchievedRate = float64(requests-1) / span
	default:
		f.AchievedRate = float64(requests)
	}
	return f
}

// tallies are what the judge reads, under the step's lock: every request, and each class that
// had requests.
func (s *Step) tallies(judge func(all *tally, classes map[string]*tally)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	judge(&tally{counts: s.counts, latency: s.latency, ttft: s.ttft}, s.classes)
}
