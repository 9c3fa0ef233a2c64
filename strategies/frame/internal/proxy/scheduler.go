package proxy

import (
	"math"
	runtimemetrics "runtime/metrics"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// schedulerDelay exports the Go runtime's scheduling latency (how long goroutines waited
// runnable before they ran: `/sched/latencies:seconds`) as the Node frame's event-loop delay
// family, cumulative counts at the same bounds, so `busybench run` says either frame's wait for
// the CPU the same way. It is what a ready request waits while the frame's core is busy: the
// part of the frame's tail its own-work figure cannot see.
type schedulerDelay struct {
	desc   *prometheus.Desc
	sample []runtimemetrics.Sample
}

const schedLatencies = "/sched/latencies:seconds"

func newSchedulerDelay(labels prometheus.Labels) *schedulerDelay {
	return &schedulerDelay{
		desc: prometheus.NewDesc("busybench_strategy_event_loop_delay_seconds_bucket",
			"Goroutines (the Go frame has no event loop: its scheduler) that waited runnable at most le seconds before they ran, since start (cumulative).",
			[]string{"le"}, labels),
		sample: []runtimemetrics.Sample{{Name: schedLatencies}},
	}
}

func (s *schedulerDelay) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

func (s *schedulerDelay) Collect(ch chan<- prometheus.Metric) {
	runtimemetrics.Read(s.sample)
	if s.sample[0].Value.Kind() != runtimemetrics.KindFloat64Histogram {
		return
	}
	for le, n := range cumulativeAt(s.sample[0].Value.Float64Histogram(), frameBounds) {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, n, le)
	}
}

// cumulativeAt counts a runtime histogram's samples at or under each bound (a runtime bucket
// counts under a bound when its upper edge is), and all of them under "+Inf".
func cumulativeAt(h *runtimemetrics.Float64Histogram, bounds []float64) map[string]float64 {
	out := make(map[string]float64, len(bounds)+1)
	var total float64
	for _, c := range h.Counts {
		total += float64(c)
	}
	for _, b := range bounds {
		var n float64
		for i, c := range h.Counts {
			if h.Buckets[i+1] <= b || (math.IsInf(h.Buckets[i+1], 1) && math.IsInf(b, 1)) {
				n += float64(c)
			}
		}
		out[strconv.FormatFloat(b, 'g', -1, 64)] = n
	}
	out["+Inf"] = total
	return out
}
