package strategy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func classed(class string) *Request {
	h := &fasthttp.RequestHeader{}
	if class != "" {
		h.Set("X-Priority", class)
	}
	return &Request{Header: h}
}

func newPriority(limit int, reserve, p3Free float64) *Priority {
	return &Priority{Limit: limit, Queue: 10, Reserve: reserve, P3Free: p3Free,
		P1Wait: 10 * time.Second, MaxWait: 10 * time.Second, Header: "x-priority"}
}

// handleAsync runs a request in the background; its answer comes on the channel.
func handleAsync(p *Priority, r *Request, s Sender) chan Answer {
	c := make(chan Answer, 1)
	go func() { c <- p.Handle(r, s) }()
	return c
}

func waitQueued(t *testing.T, p *Priority, n float64) {
	t.Helper()
	eventually(t, func() bool { return p.QueueLength() == n }, fmt.Sprintf("the priority queue did not reach %g waiting", n))
}

func TestPriorityGivesAFreedSlotToTheHighestClassFirst(t *testing.T) {
	p := newPriority(1, 0, 0)
	s := &fakeSender{hold: true}
	first := p.Handle(classed("P2"), s).(*fakeAnswer)
	// P3 first (P3Free 0, nobody waiting: it may wait), then P2, then P1.
	p3 := handleAsync(p, classed("p3"), s)
	waitQueued(t, p, 1)
	p2 := handleAsync(p, classed("P2"), s)
	waitQueued(t, p, 2)
	p1 := handleAsync(p, classed(" P1 "), s)
	waitQueued(t, p, 3)
	// Each freed slot goes to the highest class waiting, whatever the order they came in.
	chans := map[string]chan Answer{"P1": p1, "P2": p2, "P3": p3}
	var order []string
	next := first
	for range 3 {
		next.finish()
		select {
		case a := <-chans["P1"]:
			order, next = append(order, "P1"), a.(*fakeAnswer)
		case a := <-chans["P2"]:
			order, next = append(order, "P2"), a.(*fakeAnswer)
		case a := <-chans["P3"]:
			order, next = append(order, "P3"), a.(*fakeAnswer)
		case <-time.After(2 * time.Second):
			t.Fatalf("no waiter got the freed slot (served so far: %v)", order)
		}
	}
	if strings.Join(order, ",") != "P1,P2,P3" {
		t.Fatalf("served %v, want P1, P2, P3", order)
	}
}

func TestPriorityServesP0FromItsReserveAndShedsP3WhileOthersWait(t *testing.T) {
	p := newPriority(5, 0.2, 0) // 1 slot of 5 for P0 alone
	s := &fakeSender{hold: true}
	for range 4 {
		p.Handle(classed(""), s) // no header: P2
	}
	p2 := handleAsync(p, classed("P2"), s)
	waitQueued(t, p, 1)
	if a := p.Handle(classed("P0"), s); a.Status() != 200 || s.attempts() != 5 {
		t.Fatalf("P0 with its reserved slot free: %d after %d attempts, want sent at once", a.Status(), s.attempts())
	}
	if a := p.Handle(classed("P3"), s); a.Status() != 429 || s.locals[0] != "priority_shed" {
		t.Fatalf("P3 while a P2 waits: %d %v, want 429 priority_shed", a.Status(), s.locals)
	}
	// One P2 done: 4 in use again (3 P2 and the P0), the shared 4 still full, so the P2 waits.
	s.sent[0].finish()
	time.Sleep(20 * time.Millisecond)
	if p.QueueLength() != 1 {
		t.Fatal("a P2 took the slot the P0 holds from the reserve")
	}
	s.sent[1].finish()
	if a := <-p2; a.Status() != 200 {
		t.Fatalf("the waiting P2: %d", a.Status())
	}
}

func TestPriorityRefusesP1AfterItsWaitAndEvictsP3FromAFullQueue(t *testing.T) {
	p := newPriority(1, 0, 0)
	p.P1Wait, p.Queue = 50*time.Millisecond, 1
	s := &fakeSender{hold: true}
	p.Handle(classed("P2"), s)
	start := time.Now()
	if a := p.Handle(classed("P1"), s); a.Status() != 429 || s.locals[0] != "priority_wait_exceeded" || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("P1: %d %v after %v, want 429 priority_wait_exceeded after 50 ms", a.Status(), s.locals, time.Since(start))
	}
	p3 := handleAsync(p, classed("P3"), s)
	waitQueued(t, p, 1)
	p2 := handleAsync(p, classed("P2"), s) // the queue (1) is full: the P3 makes room
	if a := <-p3; a.Status() != 429 {
		t.Fatalf("evicted P3: %d, want 429", a.Status())
	}
	waitQueued(t, p, 1)
	s.sent[0].finish()
	if a := <-p2; a.Status() != 200 {
		t.Fatalf("P2: %d", a.Status())
	}
	if classOf([]byte("P4")) != 2 || classOf(nil) != 2 || classOf([]byte("p0")) != 0 {
		t.Fatal("classes: P4 and none are P2, p0 is P0")
	}
}
