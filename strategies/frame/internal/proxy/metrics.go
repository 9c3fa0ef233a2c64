package proxy

import (
	"maps"
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"busybench/frame/internal/strategy"
)

// frameBounds are the Node frame's bounds (frame-cost.ts), so `busybench run` reads both the same.
var frameBounds = []float64{
	0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,
}

// metrics are the frame's families on /metrics, named and labelled as the Node frame's
// (strategies/src/strategy.ts), every one with the constant label strategy="<name>", so the
// collector, the runner and the dashboards read either frame alike.
type metrics struct {
	registry  *prometheus.Registry
	attempts  *prometheus.CounterVec
	locals    *prometheus.CounterVec
	responses *prometheus.CounterVec
	own       prometheus.Histogram
	inFlight  atomic.Int64
}

func newMetrics(s strategy.Strategy) *metrics {
	queue := func() float64 { return 0 }
	if q, ok := s.(strategy.Queuer); ok {
		queue = q.QueueLength
	}
	const p = "busybench_strategy_"
	labels := prometheus.Labels{"strategy": s.Name()}
	m := &metrics{registry: prometheus.NewRegistry()}
	m.attempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: p + "upstream_attempts_total", ConstLabels: labels,
		Help: "Requests the strategy sent upstream, by node and status (502: unreachable; 499: stopped, or not sent, because the client hung up, or cancelled by the strategy: a hedge that lost).",
	}, []string{"upstream", "status"})
	m.locals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: p + "local_answers_total", ConstLabels: labels,
		Help: "Answers the strategy made itself, by reason.",
	}, []string{"reason"})
	m.responses = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: p + "responses_total", ConstLabels: labels,
		Help: "Responses sent to clients, by status.",
	}, []string{"status"})
	m.own = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: p + "frame_own_seconds", ConstLabels: labels, Buckets: frameBounds,
		Help: "Requests whose handling in the frame, less the time spent waiting on nodes, between retries and in the strategy's queue, took at most le seconds (a stream: up to its head).",
	})
	m.registry.MustRegister(m.attempts, m.locals, m.responses, m.own, newSchedulerDelay(labels),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: p + "in_flight", ConstLabels: labels, Help: "Client requests being handled.",
		}, func() float64 { return float64(m.inFlight.Load()) }),
		// On every strategy, 0 for one that queues nothing: an SLA's queueLength line reads one name.
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: p + "queue_length", ConstLabels: labels,
			Help: "Requests waiting in the strategy's own queue (priority, bulkhead, rate limiter); 0 for a strategy that queues nothing.",
		}, queue),
	)
	for name, read := range s.Gauges() {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: p + name, ConstLabels: labels, Help: name + " (strategy state)",
		}, read))
	}
	if c, ok := s.(strategy.Counted); ok {
		for _, n := range c.Counters() {
			all := maps.Clone(labels)
			maps.Copy(all, n.Labels)
			m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: p + n.Name, ConstLabels: all, Help: n.Help,
			}, n.Read))
		}
	}
	return m
}

func (m *metrics) attempt(upstream string, status int) {
	m.attempts.WithLabelValues(upstream, strconv.Itoa(status)).Inc()
}

func (m *metrics) local(reason string) { m.locals.WithLabelValues(reason).Inc() }

func (m *metrics) responded(status int) { m.responses.WithLabelValues(strconv.Itoa(status)).Inc() }
