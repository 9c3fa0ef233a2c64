package schedule

import (
	"busybench/engine/internal/plan"

	"math"
	"sort"
	"testing"
	"time"
)

// gapsOf walks a whole schedule and returns its inter-arrival gaps in seconds.
func gapsOf(t *testing.T, s *Schedule) []float64 {
	t.Helper()
	var out []float64
	var last time.Duration
	it := s.Iter(Whole)
	for i := 0; ; i++ {
		h, ok := it.Next()
		if !ok {
			return out
		}
		if i > 0 {
			out = append(out, (h.Due - last).Seconds())
		}
		last = h.Due
	}
}

func meanCV(x []float64) (float64, float64) {
	sum, sq := 0.0, 0.0
	for _, v := range x {
		sum += v
	}
	mean := sum / float64(len(x))
	for _, v := range x {
		sq += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sq/float64(len(x)-1)) / mean
}

func TestPoissonArrivalsHaveExponentialGaps(t *testing.T) {
	// 10 000 arrivals at 100/s.
	s := NewWith(steps([]float64{100}, 100_000), plan.Arrivals{Kind: "poisson"}, 7)
	g := gapsOf(t, s)
	if len(g) < 9_500 || len(g) > 10_500 {
		t.Fatalf("%d gaps, want about 10 000", len(g))
	}
	mean, cv := meanCV(g)
	if math.Abs(cv-1) > 0.05 {
		t.Errorf("inter-arrival CV %.4f, want 1 ± 0.05", cv)
	}
	if math.Abs(mean-0.01)/0.01 > 0.05 {
		t.Errorf("mean gap %.5f s, want 0.01 (the planned rate)", mean)
	}
	// Kolmogorov-Smirnov against the exponential of the planned rate, at the 1 % level.
	sort.Float64s(g)
	n := float64(len(g))
	d := 0.0
	for i, x := range g {
		f := 1 - math.Exp(-x*100)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	if critical := 1.628 / math.Sqrt(n); d >= critical {
		t.Errorf("KS distance %.4f, the 1 %% critical value is %.4f", d, critical)
	}
	// Not evenly spaced, which would pass a mean and fail this.
	if g[len(g)/2] > 0.0075 {
		t.Errorf("median gap %.4f: an exponential's is ln 2 / rate = 0.0069", g[len(g)/2])
	}
}

func TestGammaArrivalsReachTheirCV(t *testing.T) {
	for _, cv := range []float64{0.5, 2, 4} {
		s := NewWith(steps([]float64{200}, 50_000), plan.Arrivals{Kind: "gamma", CV: cv}, 3)
		g := gapsOf(t, s)
		if len(g) < 9_000 {
			t.Fatalf("cv %v: %d gaps, want about 10 000", cv, len(g))
		}
		_, got := meanCV(g)
		if math.Abs(got/cv-1) > 0.05 {
			t.Errorf("gamma:%v gave CV %.3f over %d arrivals, want within 5 %%", cv, got, len(g))
		}
	}
}

func TestRandomArrivalsAreSeededAndSegmentsPartitionThem(t *testing.T) {
	phases := steps([]float64{50, 150}, 4000)
	a := plan.Arrivals{Kind: "gamma", CV: 3}
	whole := map[uint64]time.Duration{}
	it := NewWith(phases, a, 11).Iter(Whole)
	for h, ok := it.Next(); ok; h, ok = it.Next() {
		whole[h.Index] = h.Due
	}
	seen := 0
	for i := uint64(0); i < 3; i++ {
		it := NewWith(phases, a, 11).Iter(Segment{i, 3})
		for h, ok := it.Next(); ok; h, ok = it.Next() {
			if d, in := whole[h.Index]; !in || d != h.Due {
				t.Fatalf("segment %d/3 sends arrival %d at %v; the whole schedule at %v (%v)", i, h.Index, h.Due, d, in)
			}
			seen++
		}
	}
	if seen != len(whole) {
		t.Errorf("the segments send %d arrivals, the schedule has %d", seen, len(whole))
	}
	other := gapsOf(t, NewWith(phases, plan.Arrivals{Kind: "gamma", CV: 3}, 12))
	if len(other) == len(whole)-1 && other[0] == gapsOf(t, NewWith(phases, a, 11))[0] {
		t.Error("another seed gave the same arrivals")
	}
}

func TestPaceFollowsRandomArrivals(t *testing.T) {
	s := NewWith(steps([]float64{100}, 2000), plan.Arrivals{Kind: "poisson"}, 5)
	it := NewWith(steps([]float64{100}, 2000), plan.Arrivals{Kind: "poisson"}, 5).Iter(Whole)
	for k := uint64(0); ; k++ {
		h, ok := it.Next()
		wait, stop := s.Pace(0, k)
		if !ok {
			if !stop {
				t.Fatalf("Pace goes on past the schedule's %d arrivals", k)
			}
			return
		}
		if stop || wait != h.Due {
			t.Fatalf("Pace(0, %d) = %v, %v; the arrival is due at %v", k, wait, stop, h.Due)
		}
	}
}
