package strategy

import "testing"

func TestBulkheadHoldsASlotUntilTheNodeIsDoneQueuesThenRefuses(t *testing.T) {
	b := &Bulkhead{Limit: 2, Queue: 1}
	s := &fakeSender{hold: true} // answers stay under way (streams) until finished
	got := make(chan Answer, 4)
	for range 2 {
		got <- b.Handle(present, s)
	}
	go func() { got <- b.Handle(present, s) }() // the third waits in the queue
	eventually(t, func() bool { return b.QueueLength() == 1 }, "the third request is not waiting in the queue")
	// The fourth finds the queue full: 429 at once, counted as bulkhead_full.
	if a := b.Handle(present, s); a.Status() != 429 || s.locals[0] != "bulkhead_full" {
		t.Fatalf("fourth: %d, locals %v; want a local 429 bulkhead_full", a.Status(), s.locals)
	}
	if s.attempts() != 2 {
		t.Fatalf("%d attempts while 2 are under way, want 2", s.attempts())
	}
	first := (<-got).(*fakeAnswer)
	first.finish() // the node is done with the first: its slot goes to the waiter
	<-got
	third := <-got
	if s.attempts() != 3 || b.QueueLength() != 0 || third.Status() != 200 {
		t.Fatalf("%d attempts, queue %g after a slot freed; want 3 and 0", s.attempts(), b.QueueLength())
	}
	if free := b.Gauges()["bulkhead_free_slots"](); free != 0 {
		t.Fatalf("free slots %g with two under way, want 0", free)
	}
}
