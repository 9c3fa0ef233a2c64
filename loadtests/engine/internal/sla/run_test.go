package sla

import (
	"strings"
	"testing"
	"time"

	"busybench/engine/internal/plan"
)

func run(scheduled uint64) *Run {
	s := plan.SLA{SuccessRate: 0.99, LatencyMs: map[string]float64{"p99": 800, "p75": 100},
		TTFTMs: map[string]float64{"p95": 500}, ErrorRates: map[string]float64{"429": 0.01}, MaxDroppedIterations: 0}
	return NewRun(s, []plan.Step{{Index: 0, TargetRate: 10}, {Index: 1, TargetRate: 20}},
		map[int]uint64{0: scheduled, 1: scheduled})
}

func fill(st *Step, n int, outcome func(i int) string, latency time.Duration) {
	for i := 0; i < n; i++ {
		st.Dispatch()
		st.Record(Result{Sent: time.Now(), Outcome: outcome(i), Latency: latency, Attempts: 1})
	}
}

func TestAStepThatHoldsHasNoBreach(t *testing.T) {
	r := run(100)
	fill(r.Step(0), 100, func(int) string { return "ok" }, 50*time.Millisecond)
	if !r.Step(0).Done() {
		t.Fatal("step 0 not done after all its arrivals")
	}
	if b := r.Settle(r.Step(0)); len(b) != 0 {
		t.Fatalf("breaches %v", b)
	}
}

func TestBreachesNameTheStepAndTheLine(t *testing.T) {
	r := run(100)
	fill(r.Step(0), 100, func(int) string { return "ok" }, 50*time.Millisecond)
	// Step 1: 5 % 429 and slow (any pN works, p75 included).
	fill(r.Step(1), 100, func(i int) string {
		if i%20 == 0 {
			return "429"
		}
		return "ok"
	}, 300*time.Millisecond)
	r.Step(1).Drop()
	all := r.Finish()
	var text []string
	for _, l := range all {
		text = append(text, l.String())
	}
	joined := strings.Join(text, "\n")
	for _, want := range []string{
		"success rate >= 0.99 broken at step 1 (20 req/s): measured 0.95",
		"latency p75 < 100 ms broken at step 1 (20 req/s)",
		"429 rate <= 0.01 broken at step 1 (20 req/s): measured 0.05",
		"dropped iterations <= 0 broken overall: measured 1",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "step 0") || strings.Contains(joined, "ttft") {
		t.Errorf("step 0 held and no stream was sent:\n%s", joined)
	}
}

func TestFiguresCountLateAndDropped(t *testing.T) {
	r := run(4)
	st := r.Step(0)
	for _, late := range []time.Duration{time.Millisecond, 6 * time.Millisecond, 20 * time.Millisecond} {
		st.Dispatch()
		st.Record(Result{Sent: time.Now(), Late: late, Outcome: "ok", Latency: time.Millisecond, Attempts: 1})
	}
	st.Drop()
	f := st.Figures()
	if f.Late != 2 || f.Dropped != 1 || f.Requests != 3 || !st.Done() {
		t.Errorf("late %d dropped %d requests %d done %v", f.Late, f.Dropped, f.Requests, st.Done())
	}
}
