// Package schedule turns a plan's phases into the due time of every arrival: an open model, so
// arrival k is due when the cumulative planned rate reaches k, whatever the server does.
// A Schedule is a vegeta.Pacer too, so vegeta's own attacker can run the very same schedule
// (the benchmark does, as the baseline).
package schedule

import (
	"fmt"
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"busybench/engine/internal/plan"
)

// Hit is one arrival: its index in the whole schedule, when it is due from the start, and
// the step it belongs to.
type Hit struct {
	Index      uint64
	Due        time.Duration
	Step       int
	TargetRate float64
}

type phase struct {
	plan.Phase
	start    time.Duration
	duration time.Duration
	// Cumulative planned arrivals when the phase starts and ends.
	from, to float64
}

// Schedule is the whole run's arrivals.
type Schedule struct {
	phases []phase
	total  time.Duration
}

var _ vegeta.Pacer = (*Schedule)(nil)

// New builds the schedule of a plan's phases.
func New(phases []plan.Phase) *Schedule {
	s := &Schedule{}
	cum := 0.0
	for _, p := range phases {
		d := time.Duration(p.DurationMs * float64(time.Millisecond))
		ph := phase{Phase: p, start: s.total, duration: d, from: cum}
		cum += (p.FromRate + p.ToRate) / 2 * d.Seconds()
		ph.to = cum
		s.phases = append(s.phases, ph)
		s.total += d
	}
	return s
}

// Duration is the whole schedule's length.
func (s *Schedule) Duration() time.Duration { return s.total }

// Planned is the number of arrivals in the whole schedule.
func (s *Schedule) Planned() uint64 {
	if len(s.phases) == 0 {
		return 0
	}
	return uint64(math.Ceil(s.phases[len(s.phases)-1].to - 1e-9))
}

// dueIn is when, from the phase's start, the cumulative count reaches m more arrivals:
// solving rate₀·t + slope·t²/2 = m in the form that stays exact for a zero slope.
func (p *phase) dueIn(m float64) time.Duration {
	if m <= 0 {
		return 0
	}
	d := p.duration.Seconds()
	slope := (p.ToRate - p.FromRate) / d
	den := p.FromRate + math.Sqrt(math.Max(0, p.FromRate*p.FromRate+2*slope*m))
	if den <= 0 {
		return p.duration
	}
	return time.Duration(2 * m / den * float64(time.Second))
}

// At returns arrival k, or false past the end of the schedule.
func (s *Schedule) At(k uint64) (Hit, bool) {
	want := float64(k)
	for i := range s.phases {
		p := &s.phases[i]
		if want < p.to-1e-9 {
			due := p.start + p.dueIn(math.Max(0, want-p.from))
			return Hit{Index: k, Due: due, Step: p.Step, TargetRate: p.TargetRate}, true
		}
	}
	return Hit{}, false
}

// Segment is k6's execution segment i/n, striped: arrival k belongs to segment k mod n, so n
// engines with segments 0/n … n-1/n send every arrival exactly once, in every step.
type Segment struct{ I, N uint64 }

// Whole is the segment that is the whole schedule.
var Whole = Segment{0, 1}

// ParseSegment reads "i/n" with 0 <= i < n.
func ParseSegment(text string) (Segment, error) {
	var seg Segment
	if _, err := fmt.Sscanf(text, "%d/%d", &seg.I, &seg.N); err != nil || seg.N == 0 || seg.I >= seg.N ||
		fmt.Sprintf("%d/%d", seg.I, seg.N) != text {
		return Segment{}, fmt.Errorf("segment %q must be i/n with 0 <= i < n, e.g. 0/3", text)
	}
	return seg, nil
}

func (g Segment) String() string { return fmt.Sprintf("%d/%d", g.I, g.N) }

// Owns reports whether arrival k is this segment's.
func (g Segment) Owns(k uint64) bool { return k%g.N == g.I }

// Iterator walks one segment's arrivals in order.
type Iterator struct {
	s    *Schedule
	seg  Segment
	next uint64
}

// Iter starts a walk over seg's arrivals.
func (s *Schedule) Iter(seg Segment) *Iterator { return &Iterator{s: s, seg: seg, next: seg.I} }

// Next returns the segment's next arrival, or false at the end.
func (it *Iterator) Next() (Hit, bool) {
	h, ok := it.s.At(it.next)
	it.next += it.seg.N
	return h, ok
}

// PerStep counts a segment's arrivals in each step (map: step → count).
func (s *Schedule) PerStep(seg Segment) map[int]uint64 {
	counts := map[int]uint64{}
	for it := s.Iter(seg); ; {
		h, ok := it.Next()
		if !ok {
			return counts
		}
		counts[h.Step]++
	}
}

// Pace is vegeta.Pacer's contract: how long to wait before arrival number `hits`, from
// `elapsed` into the run; stop past the end.
func (s *Schedule) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	h, ok := s.At(hits)
	if !ok {
		return 0, true
	}
	if h.Due <= elapsed {
		return 0, false
	}
	return h.Due - elapsed, false
}

// Rate is the planned arrival rate at `elapsed` (hits per second).
func (s *Schedule) Rate(elapsed time.Duration) float64 {
	for _, p := range s.phases {
		if elapsed < p.start+p.duration {
			f := float64(elapsed-p.start) / float64(p.duration)
			return p.FromRate + (p.ToRate-p.FromRate)*f
		}
	}
	return 0
}
