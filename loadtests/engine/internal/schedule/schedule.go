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
	"busybench/engine/internal/trace"
)

// Hit is one arrival: its index in the whole schedule, when it is due from the start, and
// the step it belongs to.
type Hit struct {
	Index      uint64
	Due        time.Duration
	Step       int
	TargetRate float64
	// Row is the trace row this arrival replays; nil for a profile's arrivals.
	Row *trace.Row
}

// Source is a run's arrivals: a profile's schedule or a trace's replay.
type Source interface {
	// Iter walks one segment's arrivals in due order.
	Iter(seg Segment) Walker
	// PerStep counts a segment's arrivals in each step (step → count).
	PerStep(seg Segment) map[int]uint64
	// Duration is the whole run's length.
	Duration() time.Duration
}

// Walker yields arrivals in order; Err says why a walk ended early (a trace that could not be
// read on), nil at the schedule's end.
type Walker interface {
	Next() (Hit, bool)
	Err() error
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
	phases   []phase
	total    time.Duration
	arrivals plan.Arrivals
	seed     uint64
	// The walk Pace reads random arrivals from, and the last arrival it gave.
	pace    *Iterator
	paceHit Hit
}

var _ vegeta.Pacer = (*Schedule)(nil)
var _ Source = (*Schedule)(nil)

// New builds the schedule of a plan's phases, arrivals evenly spaced.
func New(phases []plan.Phase) *Schedule { return NewWith(phases, plan.Arrivals{}, 0) }

// NewWith builds the schedule of a plan's phases, arrivals spread as `a` says, drawn from seed.
func NewWith(phases []plan.Phase, a plan.Arrivals, seed uint64) *Schedule {
	s := &Schedule{arrivals: a, seed: seed}
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

// Planned is the number of evenly spaced arrivals in the whole schedule (random arrivals are
// counted by walking them: PerStep).
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

// At returns arrival k of evenly spaced arrivals, or false past the end of the schedule. (With
// random arrivals, arrival k's time depends on every gap before it: walk them with Iter.)
func (s *Schedule) At(k uint64) (Hit, bool) { return s.atPosition(k, float64(k)) }

// atPosition is arrival k placed where the cumulative planned count reaches `want`.
func (s *Schedule) atPosition(k uint64, want float64) (Hit, bool) {
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
	// Random arrivals: the position of arrival `next` and the gaps' draws. Every segment draws
	// every gap, so the segments partition the very same arrivals.
	position float64
	gaps     *gaps
}

// Iter starts a walk over seg's arrivals.
func (s *Schedule) Iter(seg Segment) Walker { return s.iter(seg) }

func (s *Schedule) iter(seg Segment) *Iterator {
	it := &Iterator{s: s, seg: seg, next: seg.I}
	if !s.arrivals.Even() {
		it.next = 0
		it.gaps = newGaps(s.arrivals, s.seed)
	}
	return it
}

// Next returns the segment's next arrival, or false at the end.
func (it *Iterator) Next() (Hit, bool) {
	if it.gaps == nil {
		h, ok := it.s.At(it.next)
		it.next += it.seg.N
		return h, ok
	}
	for {
		h, ok := it.s.atPosition(it.next, it.position)
		if !ok {
			return h, false
		}
		it.position += it.gaps.next()
		it.next++
		if it.seg.Owns(h.Index) {
			return h, true
		}
	}
}

// Err is always nil: a profile's schedule cannot fail to be walked.
func (it *Iterator) Err() error { return nil }

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
	h, ok := s.paceAt(hits)
	if !ok {
		return 0, true
	}
	if h.Due <= elapsed {
		return 0, false
	}
	return h.Due - elapsed, false
}

// paceAt is arrival `hits` for Pace: vegeta asks in order, so random arrivals are walked once.
func (s *Schedule) paceAt(hits uint64) (Hit, bool) {
	if s.arrivals.Even() {
		return s.At(hits)
	}
	if s.pace == nil || hits < s.paceHit.Index {
		s.pace = s.iter(Whole)
		s.paceHit = Hit{}
		if h, ok := s.pace.Next(); ok {
			s.paceHit = h
		} else {
			return Hit{}, false
		}
	}
	for s.paceHit.Index < hits {
		h, ok := s.pace.Next()
		if !ok {
			return Hit{}, false
		}
		s.paceHit = h
	}
	return s.paceHit, true
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
