package strategy

import (
	"sync"
	"time"
)

// Bulkhead is the Node frame's `bulkhead` (cockatiel's there), with its options: at most Limit
// requests at the nodes at once, Queue more waiting in order; past that, 429 at once. Set Limit
// under the account's concurrency limit and the API never answers 429 for concurrency: the wait
// moves into this queue, where it costs no attempt.
type Bulkhead struct {
	Limit, Queue int

	mu      sync.Mutex
	active  int
	waiters []chan struct{}
}

func (*Bulkhead) Name() string { return "bulkhead" }

func (b *Bulkhead) Gauges() map[string]func() float64 {
	return map[string]func() float64{
		"bulkhead_free_slots": func() float64 { b.mu.Lock(); defer b.mu.Unlock(); return float64(b.Limit - b.active) },
		"bulkhead_free_queue": func() float64 { b.mu.Lock(); defer b.mu.Unlock(); return float64(b.Queue - len(b.waiters)) },
	}
}

func (b *Bulkhead) QueueLength() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return float64(len(b.waiters))
}

func (b *Bulkhead) Handle(r *Request, s Sender) Answer {
	waited := time.Now()
	if !b.acquire() {
		return s.Local("bulkhead_full", 429, "bulkhead_full", "Rate Limit Reached: bulkhead full, too many requests in flight")
	}
	s.Waited(time.Since(waited))
	answer := s.Send(r)
	// The slot is held until the node is done with the request (a stream: its end), as the
	// account's limit counts it, while the answer goes to the client as soon as its head is in.
	answer.OnDone(b.release)
	return answer
}

// acquire takes a slot, waiting in the queue for one; false when the queue is full too.
func (b *Bulkhead) acquire() bool {
	b.mu.Lock()
	if b.active < b.Limit {
		b.active++
		b.mu.Unlock()
		return true
	}
	if len(b.waiters) >= b.Queue {
		b.mu.Unlock()
		return false
	}
	turn := make(chan struct{})
	b.waiters = append(b.waiters, turn)
	b.mu.Unlock()
	<-turn // the slot is handed over by release, still counted as active
	return true
}

func (b *Bulkhead) release() {
	b.mu.Lock()
	if len(b.waiters) > 0 {
		turn := b.waiters[0]
		b.waiters[0] = nil
		b.waiters = b.waiters[1:]
		b.mu.Unlock()
		close(turn)
		return
	}
	b.active--
	b.mu.Unlock()
}
