// Package saturation tells, second by second, when a run is plainly past its target's
// saturation (`busybench load --stop-when-saturated`): requests pile up (in flight rising) and
// wait longer for their first token while the answers that come back whole (goodput) no longer
// rise (none 2 % above its best so far), three 1-second windows in a row. Then more load measures only the pile-up: a stepped or
// ramp run without an SLA line to break (or a loose one) stops there, as GuideLLM's
// over-saturation stop does, and says why.
package saturation

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Windows is how many 1-second windows in a row must show saturation.
const Windows = 3

// Rising is how far above its best so far goodput must go to count as still rising: a plateau's
// second-to-second noise (a completion more or less) is not a rise.
const Rising = 1.02

// Window is one second of the run as the engine saw it.
type Window struct {
	Goodput  float64 // answers whole and real completed in the second
	InFlight int64   // requests under way at its end
	TTFBMs   float64 // mean wait for the first token (a stream's) or byte (ms) of what completed in it; 0: none
	newHigh  bool    // its goodput rose above every second's before it
}

// Detector counts completions as they happen and judges each second as it ends.
type Detector struct {
	mu      sync.Mutex
	ok      int
	ttfbSum time.Duration
	ttfbN   int
	seen    []Window
	best    float64 // the highest goodput of a second so far
}

// Completed counts one finished request (any outcome: its first byte says how long the target
// made it wait; only whole answers count towards goodput).
func (d *Detector) Completed(ok bool, ttfb time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok {
		d.ok++
	}
	if ttfb > 0 {
		d.ttfbSum += ttfb
		d.ttfbN++
	}
}

// Tick closes the second that just ended (inFlight: what is under way now) and returns why the
// run is saturated, or "" while it is not.
func (d *Detector) Tick(inFlight int64) string {
	d.mu.Lock()
	w := Window{Goodput: float64(d.ok), InFlight: inFlight}
	if d.ttfbN > 0 {
		w.TTFBMs = float64(d.ttfbSum.Microseconds()) / 1000 / float64(d.ttfbN)
	}
	d.ok, d.ttfbSum, d.ttfbN = 0, 0, 0
	d.mu.Unlock()
	return d.observe(w)
}

// observe judges a closed window against the ones before it.
func (d *Detector) observe(w Window) string {
	w.newHigh = w.Goodput > d.best*Rising
	d.best = max(d.best, w.Goodput)
	// The last Windows+1 seconds are all a verdict reads.
	d.seen = append(d.seen, w)
	if len(d.seen) > Windows+1 {
		d.seen = d.seen[1:]
	}
	if len(d.seen) < Windows+1 || d.best == 0 {
		return ""
	}
	last := d.seen
	for i := 1; i <= Windows; i++ {
		prev, cur := last[i-1], last[i]
		// Piling up and waiting longer, while goodput no longer climbs above its best so far.
		if cur.InFlight <= prev.InFlight || cur.TTFBMs <= prev.TTFBMs || cur.newHigh {
			return ""
		}
	}
	var in, ttfb, good []string
	for _, x := range last {
		in = append(in, fmt.Sprint(x.InFlight))
		ttfb = append(ttfb, fmt.Sprintf("%.0f", x.TTFBMs))
		good = append(good, fmt.Sprintf("%.0f", x.Goodput))
	}
	return fmt.Sprintf("saturated: over %d seconds in flight %s, first token %s ms, goodput %s/s (best %.0f/s)",
		Windows, strings.Join(in, "→"), strings.Join(ttfb, "→"), strings.Join(good, "→"), d.best)
}
