package saturation

import (
	"strings"
	"testing"
)

func w(goodput float64, inFlight int64, ttfb float64) Window {
	return Window{Goodput: goodput, InFlight: inFlight, TTFBMs: ttfb}
}

func feed(d *Detector, ws []Window) (int, string) {
	for i, x := range ws {
		if r := d.observe(x); r != "" {
			return i, r
		}
	}
	return -1, ""
}

// A ramp: goodput climbs with the load, then stops climbing while requests pile up and wait.
func TestSaturationIsSaidOnTheThirdWindowPastThePeak(t *testing.T) {
	ws := []Window{
		w(100, 10, 100), w(200, 20, 100), w(300, 30, 101), w(400, 40, 102), // rising: fine
		w(420, 60, 150),                                     // the peak of goodput
		w(410, 90, 220), w(400, 130, 300), w(380, 180, 420), // three windows past it
		w(300, 240, 600),
	}
	at, why := feed(&Detector{}, ws)
	if at != 7 {
		t.Fatalf("said at window %d (%q), want 7: three windows past the peak at 4", at, why)
	}
	for _, want := range []string{"in flight 60→90→130→180", "goodput 420→410→400→380/s", "best 420/s"} {
		if !strings.Contains(why, want) {
			t.Errorf("reason %q does not say %q", why, want)
		}
	}
}

// Any one of the three signs missing in a window: not saturated (a plateau that keeps up, a
// spike of latency that clears, goodput still climbing).
func TestNotSaturatedWithoutAllThreeSigns(t *testing.T) {
	for name, ws := range map[string][]Window{
		"in flight steady":    {w(100, 10, 100), w(400, 40, 100), w(390, 40, 150), w(380, 40, 200), w(370, 40, 250)},
		"first byte steady":   {w(100, 10, 100), w(400, 40, 100), w(390, 60, 100), w(380, 80, 100), w(370, 100, 100)},
		"goodput still rises": {w(100, 10, 100), w(400, 40, 100), w(500, 60, 150), w(600, 80, 200), w(700, 100, 250)},
		"one window clears":   {w(100, 10, 100), w(400, 40, 100), w(390, 60, 150), w(380, 50, 200), w(370, 100, 250)},
	} {
		if at, why := feed(&Detector{}, ws); at >= 0 {
			t.Errorf("%s: said saturated at %d: %s", name, at, why)
		}
	}
}

func TestTickClosesTheSecondItCounted(t *testing.T) {
	d := &Detector{}
	d.Completed(true, 100e6)
	d.Completed(true, 300e6)
	d.Completed(false, 0)
	d.Tick(7)
	if got := d.seen[0]; got.Goodput != 2 || got.InFlight != 7 || got.TTFBMs != 200 {
		t.Fatalf("window %+v, want goodput 2, in flight 7, first byte 200 ms", got)
	}
	d.Tick(0)
	if got := d.seen[1]; got.Goodput != 0 || got.TTFBMs != 0 {
		t.Fatalf("an empty second %+v", got)
	}
}
