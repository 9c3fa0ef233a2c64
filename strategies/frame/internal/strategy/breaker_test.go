package strategy

import (
	"sync"
	"testing"
	"time"
)

// clock is a hand-moved clock for the breaker's window and its half-open wait.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newBreaker(c *clock) *Breaker {
	return &Breaker{Threshold: 0.5, Window: 2 * time.Second, MinRPS: 2, HalfOpen: 500 * time.Millisecond, Now: c.Now}
}

func TestBreakerOpensOnceTheWindowIsMostlyBusyAndHasEnoughAnswers(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newBreaker(c)
	s := &fakeSender{statuses: []int{503}}
	// MinRPS 2 over a 2-s window: 4 answers before it judges, so the 4th busy one opens it.
	for i := range 3 {
		if b.Handle(present, s); b.state != closed {
			t.Fatalf("open after %d busy answers, want closed until 4 (2/s over 2 s)", i+1)
		}
		c.add(10 * time.Millisecond)
	}
	b.Handle(present, s)
	if b.state != open {
		t.Fatalf("state %d after 4 busy answers, want open", b.state)
	}
	// Open: answered here at once, nothing sent, counted as breaker_open.
	got := b.Handle(present, s)
	if got.Status() != 503 || s.attempts() != 4 || s.locals[0] != "breaker_open" || got.(*fakeAnswer).local != "circuit_open" {
		t.Fatalf("open breaker: %d, %d attempts, locals %v; want a local 503 circuit_open and no attempt", got.Status(), s.attempts(), s.locals)
	}
}

func TestBreakerStaysClosedWhileHalfTheAnswersOrFewerAreBusy(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newBreaker(c)
	s := &fakeSender{statuses: []int{200, 503}} // then 503 repeats: use byNode-free alternation below
	for i := range 40 {
		s.statuses = []int{[]int{200, 503}[i%2]}
		s.sent = nil
		b.Handle(present, s)
		c.add(10 * time.Millisecond)
	}
	if b.state != closed {
		t.Fatalf("opened at 50 %% busy, want closed (threshold: more than 50 %%)")
	}
}

func TestBreakerHalfOpenTestsWithOneRequestWhileTheOthersWaitForItsVerdict(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newBreaker(c)
	b.state, b.openedAt = open, c.Now()
	c.add(600 * time.Millisecond) // past HalfOpen
	s := &fakeSender{statuses: []int{200}, gate: make(chan struct{})}
	results := make(chan int, 3)
	go func() { results <- b.Handle(present, s).Status() }()
	eventually(t, func() bool { return s.attempts() == 1 }, "the half-open test was not sent")
	for range 2 {
		go func() { results <- b.Handle(present, s).Status() }()
	}
	time.Sleep(50 * time.Millisecond)
	if n := s.attempts(); n != 1 || b.state != halfOpen {
		t.Fatalf("%d attempts in half-open (state %d), want only the test", n, b.state)
	}
	close(s.gate) // the test answers 200: closed, and the two waiting go on to the node
	for range 3 {
		if st := <-results; st != 200 {
			t.Fatalf("answer %d, want 200 for the test and both waiters", st)
		}
	}
	if s.attempts() != 3 || b.state != closed {
		t.Fatalf("%d attempts, state %d; want 3 and closed", s.attempts(), b.state)
	}
}

func TestBreakerOpensAgainWhenTheTestFails(t *testing.T) {
	c := &clock{now: time.Unix(1000, 0)}
	b := newBreaker(c)
	b.state, b.openedAt = open, c.Now()
	c.add(600 * time.Millisecond)
	s := &fakeSender{statuses: []int{503}}
	b.Handle(present, s)
	if b.state != open || !b.openedAt.Equal(c.Now()) {
		t.Fatalf("state %d after a failed test, want open from now", b.state)
	}
	if b.Handle(present, s); s.attempts() != 1 {
		t.Fatalf("%d attempts, want the test only: open again for HalfOpen", s.attempts())
	}
}
