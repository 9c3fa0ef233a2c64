package strategy

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// Priority is the Node frame's `priority`, rule for rule: a four-level queue keyed by a request
// header (Header, x-priority: P0 urgent, P1 interactive, P2 normal, P3 batch; absent or unknown:
// P2). At most Limit requests at the nodes at once, each holding its slot until the node is done
// with it. round(Limit × Reserve) slots are P0's alone: the other classes stop at Limit −
// reserved, so an urgent request finds a slot while everything else waits. A free slot goes to
// the oldest waiter of the highest class.
//
// Waits: P1 at most P1Wait (interactive: a fast refusal beats a late answer), the others MaxWait.
// P3 is shed first: refused at once while anyone waits or while fewer than round(Limit × P3Free)
// of the shared slots are free; when that share rounds to 0 it may wait, behind every other
// class. A full queue (Queue) makes room by refusing the newest waiter of the lowest class below
// the newcomer's, so overload lands on P3.
type Priority struct {
	Limit, Queue    int
	Reserve, P3Free float64
	P1Wait, MaxWait time.Duration
	Header          string

	once       sync.Once
	shared     int
	p3Headroom int

	mu     sync.Mutex
	inUse  int
	queues [4][]*waiter
}

const normalClass = 2

// A waiter's outcome: "" a slot, else the reason it was refused.
type waiter struct {
	settle chan string
	timer  *time.Timer
	done   bool
}

var priorityMessages = map[string]string{
	"priority_shed":          "shed to keep capacity for higher classes",
	"priority_wait_exceeded": "waited longer than its class allows",
	"priority_queue_full":    "priority queue full",
}

func (*Priority) Name() string { return "priority" }

func (p *Priority) init() {
	p.once.Do(func() {
		p.shared = p.Limit - int(math.Round(float64(p.Limit)*p.Reserve))
		p.p3Headroom = int(math.Round(float64(p.Limit) * p.P3Free))
	})
}

func (p *Priority) Gauges() map[string]func() float64 {
	g := map[string]func() float64{"priority_free_slots": func() float64 {
		p.mu.Lock()
		defer p.mu.Unlock()
		return float64(p.Limit - p.inUse)
	}}
	for c := range 4 {
		g[fmt.Sprintf("priority_queued_p%d", c)] = func() float64 {
			p.mu.Lock()
			defer p.mu.Unlock()
			return float64(len(p.queues[c]))
		}
	}
	return g
}

func (p *Priority) QueueLength() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return float64(p.waiting())
}

func (p *Priority) Handle(r *Request, s Sender) Answer {
	p.init()
	class := classOf(r.Header.Peek(p.Header))
	waited := time.Now()
	if refused := p.admit(class); refused != "" {
		return s.Local(refused, 429, refused, fmt.Sprintf("Rate Limit Reached: P%d request %s", class, priorityMessages[refused]))
	}
	s.Waited(time.Since(waited))
	// The header goes on untouched: it is end-to-end, a priority-aware node may read it.
	answer := s.Send(r)
	// The slot is held until the node is done with the request, as the node counts it.
	answer.OnDone(p.release)
	return answer
}

// classOf reads P0..P3 (any case, spaces around); anything else is P2.
func classOf(v []byte) int {
	t := strings.TrimSpace(string(v))
	if len(t) == 2 && (t[0] == 'P' || t[0] == 'p') && t[1] >= '0' && t[1] <= '3' {
		return int(t[1] - '0')
	}
	return normalClass
}

func (p *Priority) waiting() int {
	return len(p.queues[0]) + len(p.queues[1]) + len(p.queues[2]) + len(p.queues[3])
}

func (p *Priority) fits(class int) bool {
	if class == 0 {
		return p.inUse < p.Limit
	}
	return p.inUse < p.shared
}

// admit takes a slot for the request, waiting for one as its class allows: "" once it holds
// one, else the reason it is refused.
func (p *Priority) admit(class int) string {
	p.mu.Lock()
	ahead := false
	for c := 0; c <= class; c++ {
		ahead = ahead || len(p.queues[c]) > 0
	}
	if class == 3 && (p.waiting() > 0 || max(0, p.shared-p.inUse) < p.p3Headroom) {
		p.mu.Unlock()
		return "priority_shed"
	}
	if !ahead && p.fits(class) {
		p.inUse++
		p.mu.Unlock()
		return ""
	}
	if p.waiting() >= p.Queue && !p.evictBelow(class) {
		p.mu.Unlock()
		return "priority_queue_full"
	}
	wait := p.MaxWait
	if class == 1 {
		wait = p.P1Wait
	}
	w := &waiter{settle: make(chan string, 1)}
	p.queues[class] = append(p.queues[class], w)
	w.timer = time.AfterFunc(wait, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if w.done {
			return // granted or refused while the timer fired
		}
		q := p.queues[class]
		for i, x := range q {
			if x == w {
				p.queues[class] = append(q[:i:i], q[i+1:]...)
				break
			}
		}
		p.settle(w, "priority_wait_exceeded")
	})
	p.mu.Unlock()
	return <-w.settle
}

// settle gives a waiter its outcome (under the lock).
func (p *Priority) settle(w *waiter, outcome string) {
	w.done = true
	w.timer.Stop()
	w.settle <- outcome
}

// evictBelow refuses the newest waiter of the lowest class below class; false when there is none.
func (p *Priority) evictBelow(class int) bool {
	for c := 3; c > class; c-- {
		if q := p.queues[c]; len(q) > 0 {
			p.queues[c] = q[:len(q)-1]
			p.settle(q[len(q)-1], "priority_shed")
			return true
		}
	}
	return false
}

func (p *Priority) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inUse--
	p.dispatch()
}

// dispatch hands free slots to the oldest waiter of the highest class, while one fits. Strict
// priority: a class that cannot get a slot blocks every class below it (they need the same
// shared slots, or more).
func (p *Priority) dispatch() {
	for c := range 4 {
		for len(p.queues[c]) > 0 {
			if !p.fits(c) {
				return
			}
			w := p.queues[c][0]
			p.queues[c][0] = nil
			p.queues[c] = p.queues[c][1:]
			p.inUse++
			p.settle(w, "")
		}
	}
}
