package schedule

import (
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"busybench/engine/internal/plan"
)

func steps(rates []float64, ms float64) []plan.Phase {
	var out []plan.Phase
	for i, r := range rates {
		out = append(out, plan.Phase{Step: i, TargetRate: r, FromRate: r, ToRate: r, DurationMs: ms})
	}
	return out
}

func TestConstantStepsSendRateTimesDuration(t *testing.T) {
	s := New(steps([]float64{20, 40, 60}, 2000))
	got := s.PerStep(Whole)
	want := map[int]uint64{0: 40, 1: 80, 2: 120}
	for step, n := range want {
		if got[step] != n {
			t.Errorf("step %d: %d arrivals, want %d", step, got[step], n)
		}
	}
	if s.Planned() != 240 {
		t.Errorf("planned %d, want 240", s.Planned())
	}
	// Evenly spaced: arrival k of a 20/s step is due at k × 50 ms.
	h, _ := s.At(3)
	if h.Due != 150*time.Millisecond {
		t.Errorf("arrival 3 due at %v, want 150ms", h.Due)
	}
	h, _ = s.At(40)
	if h.Step != 1 || h.Due != 2*time.Second {
		t.Errorf("arrival 40: step %d at %v, want step 1 at 2s", h.Step, h.Due)
	}
}

func TestSegmentsAddUpToTheSchedulePerStep(t *testing.T) {
	s := New([]plan.Phase{
		{Step: 0, TargetRate: 17, FromRate: 17, ToRate: 17, DurationMs: 3000},
		{Step: 1, TargetRate: 90, FromRate: 17, ToRate: 90, DurationMs: 1500},
		{Step: 1, TargetRate: 90, FromRate: 90, ToRate: 90, DurationMs: 1000},
	})
	whole := s.PerStep(Whole)
	sum := map[int]uint64{}
	for i := uint64(0); i < 3; i++ {
		for step, n := range s.PerStep(Segment{i, 3}) {
			sum[step] += n
		}
	}
	for step, n := range whole {
		if sum[step] != n {
			t.Errorf("step %d: segments send %d, the schedule has %d", step, sum[step], n)
		}
	}
}

func TestRampFollowsTheLinearRate(t *testing.T) {
	// 0 → 100 req/s over 10 s: 500 arrivals, the first half of the time holds a quarter of them.
	s := New([]plan.Phase{{Step: 0, TargetRate: 100, FromRate: 0, ToRate: 100, DurationMs: 10_000}})
	if s.Planned() != 500 {
		t.Fatalf("planned %d, want 500", s.Planned())
	}
	n := 0
	for it := s.Iter(Whole); ; n++ {
		h, ok := it.Next()
		if !ok || h.Due >= 5*time.Second {
			break
		}
	}
	if n != 125 {
		t.Errorf("%d arrivals in the first 5 s, want 125", n)
	}
}

func TestDueTimesNeverGoBackwards(t *testing.T) {
	s := New([]plan.Phase{
		{Step: 0, TargetRate: 10, FromRate: 10, ToRate: 10, DurationMs: 1000},
		{Step: 1, TargetRate: 500, FromRate: 10, ToRate: 500, DurationMs: 1000},
		{Step: 2, TargetRate: 10, FromRate: 500, ToRate: 10, DurationMs: 1000},
	})
	var last time.Duration
	for it := s.Iter(Whole); ; {
		h, ok := it.Next()
		if !ok {
			break
		}
		if h.Due < last || h.Due >= s.Duration() {
			t.Fatalf("arrival %d due at %v after %v (schedule %v)", h.Index, h.Due, last, s.Duration())
		}
		last = h.Due
	}
}

// The schedule is a vegeta.Pacer, and for a constant rate it paces as vegeta's own does.
func TestPacesLikeVegetasConstantPacer(t *testing.T) {
	s := New(steps([]float64{250}, 4000))
	v := vegeta.ConstantPacer{Freq: 250, Per: time.Second}
	// vegeta's hit k is due at (k+1) intervals, ours at k: compare the gaps.
	var elapsedOurs, elapsedTheirs time.Duration
	for hits := uint64(0); hits < 900; hits++ {
		w1, stop1 := s.Pace(elapsedOurs, hits)
		w2, stop2 := v.Pace(elapsedTheirs, hits)
		if stop1 || stop2 {
			t.Fatalf("stopped at %d", hits)
		}
		elapsedOurs += w1
		elapsedTheirs += w2
		if hits > 0 && elapsedTheirs-elapsedOurs != 4*time.Millisecond {
			t.Fatalf("hit %d: ours at %v, vegeta's at %v", hits, elapsedOurs, elapsedTheirs)
		}
	}
	if _, stop := s.Pace(4*time.Second, 1000); !stop {
		t.Error("no stop past the end")
	}
}

func TestParseSegment(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"0/1", true}, {"2/3", true}, {"3/3", false}, {"1/0", false}, {"a/b", false}, {"1/3x", false}, {"-1/3", false}} {
		_, err := ParseSegment(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.in, err)
		}
	}
}
