package schedule

// Arrivals spread around the planned rate (plan.Arrivals): evenly, or with random gaps drawn
// here, seeded, so every segment and every repeat of a run sees the same arrivals.

import (
	"math"
	"math/rand/v2"

	"busybench/engine/internal/plan"
)

// gaps draws the gaps between arrivals in units of the planned mean gap (mean 1), seeded.
type gaps struct {
	rng   *rand.Rand
	shape float64 // gamma's shape, 1/CV²; 0 for exponential
}

// gapStream keeps the gaps' draws apart from any other use of the seed.
const gapStream uint64 = 0x243f6a8885a308d3

func newGaps(a plan.Arrivals, seed uint64) *gaps {
	g := &gaps{rng: rand.New(rand.NewPCG(seed, gapStream))}
	if a.Kind == "gamma" {
		g.shape = 1 / (a.CV * a.CV)
	}
	return g
}

func (g *gaps) next() float64 {
	if g.shape == 0 {
		return g.rng.ExpFloat64()
	}
	return g.gamma(g.shape) / g.shape
}

// gamma draws Gamma(shape, 1) by Marsaglia and Tsang's method; below shape 1 through
// Gamma(shape+1)·U^(1/shape).
func (g *gaps) gamma(shape float64) float64 {
	if shape < 1 {
		u := g.rng.Float64()
		for u == 0 {
			u = g.rng.Float64()
		}
		return g.gamma(shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := g.rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := g.rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
