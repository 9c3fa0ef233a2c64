package strategy

import (
	"sync"
	"time"
)

// Breaker is the Node frame's `breaker`, cockatiel's circuit breaker with its SamplingBreaker,
// rule for rule: the window is five parts of Window, rotated as answers come; when an answer is
// busy (429/5xx) and more than Threshold of the window's answers were, with at least MinRPS a
// second in it (0: enough for 5 busy answers a second), the circuit opens and answers 503 at once
// without calling a node, for HalfOpen; then one request tests the water while the others wait
// for its verdict: a good answer closes the circuit (and clears the window), a busy one opens it
// again.
type Breaker struct {
	Threshold float64
	Window    time.Duration
	MinRPS    float64
	HalfOpen  time.Duration
	// Now is the clock (time.Now; tests give their own).
	Now func() time.Time

	mu       sync.Mutex
	state    breakerState
	openedAt time.Time
	// test is closed when the half-open test has its verdict.
	test chan struct{}
	// The window: five parts, the current one, and the sums over all five.
	parts           [breakerParts]part
	current         int
	failures, goods int
}

type breakerState int

// The gauge's values, as the Node frame's: 0 closed, 1 open, 2 half-open (testing).
const (
	closed breakerState = iota
	open
	halfOpen
)

const breakerParts = 5

type part struct {
	start           time.Time
	failures, goods int
}

func (*Breaker) Name() string { return "breaker" }

func (b *Breaker) Gauges() map[string]func() float64 {
	return map[string]func() float64{"breaker_state": func() float64 {
		b.mu.Lock()
		defer b.mu.Unlock()
		return float64(b.state)
	}}
}

func (b *Breaker) Handle(r *Request, s Sender) Answer {
	for {
		b.mu.Lock()
		switch b.state {
		case closed:
			b.mu.Unlock()
			answer := s.Send(r)
			b.record(Retryable(answer.Status()))
			return answer
		case open:
			if b.Now().Sub(b.openedAt) < b.HalfOpen {
				b.mu.Unlock()
				return s.Local("breaker_open", 503, "circuit_open",
					"Server Overloaded: circuit breaker open, upstream failing; retry after a brief wait")
			}
			b.state, b.test = halfOpen, make(chan struct{})
			test := b.test
			b.mu.Unlock()
			answer := s.Send(r)
			b.verdict(Retryable(answer.Status()))
			close(test)
			return answer
		default: // half-open: wait for the test's verdict, then go again
			test := b.test
			b.mu.Unlock()
			waited := time.Now()
			<-test
			s.Waited(time.Since(waited))
		}
	}
}

// record counts an answer sent while the circuit was closed, and opens it when the window says.
func (b *Breaker) record(failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.push(failed)
	if !failed || b.state != closed {
		return
	}
	total := float64(b.failures + b.goods)
	minRPS := b.MinRPS
	if minRPS == 0 {
		minRPS = 5 / b.Threshold
	}
	window := float64(b.partLength()*breakerParts) / float64(time.Second)
	if total >= window*minRPS && float64(b.failures) > b.Threshold*total {
		b.state, b.openedAt = open, b.Now()
	}
}

// verdict ends the half-open test: a good answer closes the circuit on a fresh window.
func (b *Breaker) verdict(failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if failed {
		b.push(true)
		b.state, b.openedAt = open, b.Now()
		return
	}
	b.parts, b.failures, b.goods = [breakerParts]part{}, 0, 0
	b.push(false)
	b.state = closed
}

func (b *Breaker) partLength() time.Duration {
	return (b.Window / breakerParts).Round(time.Millisecond)
}

// push adds an answer to the window's current part, moving to the next part when its time is up.
func (b *Breaker) push(failed bool) {
	now := b.Now()
	if now.Sub(b.parts[b.current].start) >= b.partLength() {
		b.current = (b.current + 1) % breakerParts
		old := b.parts[b.current]
		b.failures -= old.failures
		b.goods -= old.goods
		b.parts[b.current] = part{start: now}
	}
	if failed {
		b.parts[b.current].failures++
		b.failures++
	} else {
		b.parts[b.current].goods++
		b.goods++
	}
}
