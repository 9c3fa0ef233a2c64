package sla

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"busybench/engine/internal/plan"
)

// Run is every step of a run, and the SLA they are judged by.
type Run struct {
	SLA   plan.SLA
	Steps []*Step
	byIdx map[int]*Step

	mu       sync.Mutex
	breaches []Line
}

// NewRun prepares the steps; scheduled gives each step's arrivals in this segment.
func NewRun(s plan.SLA, steps []plan.Step, scheduled map[int]uint64) *Run {
	r := &Run{SLA: s, byIdx: map[int]*Step{}}
	for _, st := range steps {
		step := newStep(st.Index, st.TargetRate, scheduled[st.Index])
		r.Steps = append(r.Steps, step)
		r.byIdx[st.Index] = step
	}
	return r
}

// Step returns step i.
func (r *Run) Step(i int) *Step { return r.byIdx[i] }

// Line is one SLA line judged at one step (Step -1: the run as a whole).
type Line struct {
	Step       int
	TargetRate float64
	Text       string
	Measured   float64
	OK         bool
}

// CollectorLines are the SLA's lines the engine cannot judge, in the kit's words
// (common/i18n/messages/report.ts): the strategy's queue is on the strategy's /metrics, which the
// collector scrapes; the engine sees only what its clients see.
func CollectorLines(s plan.SLA) []string {
	if s.QueueLength == nil {
		return nil
	}
	return []string{fmt.Sprintf("queue length < %d", *s.QueueLength)}
}

func (l Line) String() string {
	where := "overall"
	if l.Step >= 0 {
		where = fmt.Sprintf("at step %d (%s req/s)", l.Step, strconv.FormatFloat(l.TargetRate, 'f', -1, 64))
	}
	return fmt.Sprintf("%s broken %s: measured %s", l.Text, where, strconv.FormatFloat(l.Measured, 'g', 5, 64))
}

func quantileOf(key string) float64 {
	q, _ := strconv.ParseFloat(strings.TrimPrefix(key, "p"), 64)
	return q
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return quantileOf(keys[i]) < quantileOf(keys[j]) || keys[i] < keys[j] })
	return keys
}

// JudgeStep judges every line of the SLA at one step (as it stands): the overall lines on every
// request, then each class's lines on that class's requests. A step that sent nothing has
// nothing to judge, nor a class with no request in the step.
func (r *Run) JudgeStep(st *Step) []Line {
	var lines []Line
	st.tallies(func(all *tally, classes map[string]*tally) {
		if all.requests() == 0 {
			return
		}
		success := r.SLA.SuccessRate
		lines = judgeSet(st, "", lineSet{&success, r.SLA.LatencyMs, r.SLA.TTFTMs, r.SLA.ErrorRates}, all, lines)
		for _, c := range plan.PriorityClasses {
			cs, ok := r.SLA.Classes[c]
			t := classes[c]
			if !ok || t == nil || t.requests() == 0 {
				continue
			}
			lines = judgeSet(st, c+" ", lineSet{cs.SuccessRate, cs.LatencyMs, cs.TTFTMs, cs.ErrorRates}, t, lines)
		}
	})
	return lines
}

// lineSet is the lines judged on one tally: the SLA's own, or a class's (nil: no such line).
type lineSet struct {
	successRate *float64
	latencyMs   map[string]float64
	ttftMs      map[string]float64
	errorRates  map[string]float64
}

// judgeSet appends the set's lines judged on t, each text led by prefix ("P0 " for a class).
func judgeSet(st *Step, prefix string, set lineSet, t *tally, lines []Line) []Line {
	requests := t.requests()
	at := func(text string, measured float64, ok bool) {
		lines = append(lines, Line{Step: st.Index, TargetRate: st.TargetRate, Text: prefix + text, Measured: measured, OK: ok})
	}
	if set.successRate != nil {
		rate := float64(t.counts["ok"]) / float64(requests)
		at(fmt.Sprintf("success rate >= %s", strconv.FormatFloat(*set.successRate, 'f', -1, 64)), rate,
			rate >= *set.successRate)
	}
	for _, p := range sortedKeys(set.latencyMs) {
		limit := set.latencyMs[p]
		v, _ := measure(t.latency, p)
		at(fmt.Sprintf("latency %s < %s ms", p, strconv.FormatFloat(limit, 'f', -1, 64)), v, v < limit)
	}
	for _, p := range sortedKeys(set.ttftMs) {
		limit := set.ttftMs[p]
		// Steps (or classes) without streams have nothing to judge on this line.
		if v, ok := measure(t.ttft, p); ok {
			at(fmt.Sprintf("ttft %s < %s ms", p, strconv.FormatFloat(limit, 'f', -1, 64)), v, v < limit)
		}
	}
	for _, class := range sortedKeys(set.errorRates) {
		limit := set.errorRates[class]
		rate := float64(t.counts[class]) / float64(requests)
		at(fmt.Sprintf("%s rate <= %s", class, strconv.FormatFloat(limit, 'f', -1, 64)), rate, rate <= limit)
	}
	return lines
}

// Settle judges a step once its figures are final and keeps its broken lines; it returns
// them (nil when the step held, or was judged before).
func (r *Run) Settle(st *Step) []Line {
	st.mu.Lock()
	if st.judged {
		st.mu.Unlock()
		return nil
	}
	st.judged = true
	st.mu.Unlock()
	var broken []Line
	for _, l := range r.JudgeStep(st) {
		if !l.OK {
			broken = append(broken, l)
		}
	}
	r.mu.Lock()
	r.breaches = append(r.breaches, broken...)
	r.mu.Unlock()
	return broken
}

// Finish judges the steps not judged yet and the run-wide line, and returns every breach in
// step order.
func (r *Run) Finish() []Line {
	var dropped uint64
	for _, st := range r.Steps {
		r.Settle(st)
		dropped += st.Figures().Dropped
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Line(nil), r.breaches...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	if dropped > uint64(r.SLA.MaxDroppedIterations) {
		out = append(out, Line{Step: -1, Text: fmt.Sprintf("dropped iterations <= %d", r.SLA.MaxDroppedIterations),
			Measured: float64(dropped)})
	}
	return out
}
