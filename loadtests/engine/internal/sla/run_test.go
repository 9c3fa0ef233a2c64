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

func rate(x float64) *float64 { return &x }

// Each class's lines are judged on that class's requests only, beside the overall lines; a
// class with no request in a step is not judged there.
func TestClassLinesJudgeTheirClassOnly(t *testing.T) {
	// Per step, 100 requests: P0 the first 10 (P2 in step 1 of the case that says so), P1 the
	// next 30, P3 the last 60; P1 all 503 at 500 ms, the rest ok at 50 ms but in step 1, where P3
	// is all 429.
	fillClasses := func(st *Step, p3Outcome string, withP0 bool) {
		for i := 0; i < 100; i++ {
			r := Result{Sent: time.Now(), Outcome: "ok", Latency: 50 * time.Millisecond, Attempts: 1}
			switch {
			case i < 10 && withP0:
				r.Priority = "P0"
			case i < 10:
				r.Priority = "P2"
			case i < 40:
				r.Priority, r.Outcome, r.Latency = "P1", "503", 500*time.Millisecond
			default:
				r.Priority, r.Outcome = "P3", p3Outcome
			}
			st.Dispatch()
			st.Record(r)
		}
	}
	for _, tc := range []struct {
		name    string
		classes map[string]plan.ClassSLA
		want    []string // every broken line, in order
	}{
		{"no class lines: the overall lines alone, which hold", nil, nil},
		{"a class that holds and one that breaks, at the step where it breaks", map[string]plan.ClassSLA{
			"P0": {SuccessRate: rate(0.999), LatencyMs: map[string]float64{"p99": 100}},
			"P3": {SuccessRate: rate(0.5)},
		}, []string{"P3 success rate >= 0.5 broken at step 1 (20 req/s): measured 0"}},
		{"every kind of line, per class", map[string]plan.ClassSLA{
			"P1": {SuccessRate: rate(0.9), LatencyMs: map[string]float64{"p99": 300}, ErrorRates: map[string]float64{"503": 0.1}},
		}, []string{
			"P1 success rate >= 0.9 broken at step 0 (10 req/s): measured 0",
			"P1 latency p99 < 300 ms broken at step 0 (10 req/s): measured 500.22",
			"P1 503 rate <= 0.1 broken at step 0 (10 req/s): measured 1",
			"P1 success rate >= 0.9 broken at step 1 (20 req/s): measured 0",
			"P1 latency p99 < 300 ms broken at step 1 (20 req/s): measured 500.22",
			"P1 503 rate <= 0.1 broken at step 1 (20 req/s): measured 1",
		}},
		{"a class with no request in a step is not judged there", map[string]plan.ClassSLA{
			"P0": {LatencyMs: map[string]float64{"p50": 1}},
		}, []string{"P0 latency p50 < 1 ms broken at step 0 (10 req/s): measured 50.015"}},
		{"a TTFT line of a class that sent no stream is not judged", map[string]plan.ClassSLA{
			"P3": {TTFTMs: map[string]float64{"p95": 1}},
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := plan.SLA{SuccessRate: 0, LatencyMs: map[string]float64{"p99": 800}, Classes: tc.classes}
			r := NewRun(s, []plan.Step{{Index: 0, TargetRate: 10}, {Index: 1, TargetRate: 20}},
				map[int]uint64{0: 100, 1: 100})
			fillClasses(r.Step(0), "ok", true)
			fillClasses(r.Step(1), "429", tc.name != "a class with no request in a step is not judged there")
			var got []string
			for _, l := range r.Finish() {
				got = append(got, l.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("breaches\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// The step's figures carry each class that had requests, and only those.
func TestFiguresPerClass(t *testing.T) {
	r := run(3)
	st := r.Step(0)
	for i, c := range []string{"P0", "P3", "P3"} {
		st.Dispatch()
		outcome := "ok"
		if i == 2 {
			outcome = "503"
		}
		st.Record(Result{Sent: time.Now(), Outcome: outcome, Latency: time.Duration(i+1) * 10 * time.Millisecond,
			TTFT: 5 * time.Millisecond, Attempts: 1, Priority: c})
	}
	f := st.Figures()
	if len(f.Classes) != 2 {
		t.Fatalf("classes %v, want P0 and P3", f.Classes)
	}
	p3 := f.Classes["P3"]
	if p3.Requests != 2 || *p3.SuccessRate != 0.5 || p3.Errors["503"] != 1 || *p3.TTFTP95Ms < 4.9 || *p3.P99Ms < 29.9 {
		t.Errorf("P3 %+v", p3)
	}
	if p0 := f.Classes["P0"]; p0.Requests != 1 || *p0.SuccessRate != 1 || len(p0.Errors) != 0 {
		t.Errorf("P0 %+v", p0)
	}
}
