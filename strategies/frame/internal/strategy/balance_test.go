package strategy

import "testing"

func TestBalanceLeastOutstandingPicksTheNodeHoldingFewest(t *testing.T) {
	b := &Balance{Failover: true}
	s := &fakeSender{nodes: 3}
	s.outstanding = []int64{5, 1, 3}
	for range 6 {
		b.Handle(present, s)
	}
	for _, a := range s.sent {
		if a.node != 1 {
			t.Fatalf("sent to node %d, want node 1 (1 outstanding against 5 and 3)", a.node)
		}
	}
	// Ties are taken in turn, not always the first.
	s2 := &fakeSender{nodes: 3}
	seen := map[int]bool{}
	for range 6 {
		seen[b.Handle(present, s2).(*fakeAnswer).node] = true
	}
	if len(seen) != 3 {
		t.Fatalf("ties went to %v, want every node in turn", seen)
	}
}

func TestBalanceWeightedRoundRobinFollowsTheWeightsSmoothly(t *testing.T) {
	b := &Balance{WRR: true, Weights: []float64{3, 1, 1}, Failover: true}
	s := &fakeSender{nodes: 3}
	var order []int
	for range 10 {
		order = append(order, b.Handle(present, s).(*fakeAnswer).node)
	}
	// nginx's smooth WRR for 3,1,1: a a b a c, twice; never three of a in a row.
	want := []int{0, 1, 0, 2, 0, 0, 1, 0, 2, 0}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

func TestBalanceFailsOverOnBusyAnswersTryingEachNodeOnce(t *testing.T) {
	b := &Balance{Failover: true}
	s := &fakeSender{nodes: 3, byNode: map[int]int{0: 503, 1: 429, 2: 200}}
	got := b.Handle(present, s)
	if got.Status() != 200 || s.attempts() != 3 {
		t.Fatalf("%d after %d attempts, want 200 from the third node", got.Status(), s.attempts())
	}
	for _, a := range s.sent[:2] {
		if !a.discarded {
			t.Fatal("a busy answer failed over from was not discarded")
		}
	}
	all := &fakeSender{nodes: 3, statuses: []int{503}}
	if got := b.Handle(present, all); got.Status() != 503 || all.attempts() != 3 {
		t.Fatalf("every node busy: %d after %d attempts, want the last 503 after 3", got.Status(), all.attempts())
	}
	once := &Balance{Failover: false}
	one := &fakeSender{nodes: 3, statuses: []int{503}}
	if once.Handle(present, one); one.attempts() != 1 {
		t.Fatalf("failover=0: %d attempts, want 1", one.attempts())
	}
	// 500 is not a failover status (the node answered; it is not busy).
	five := &fakeSender{nodes: 3, statuses: []int{500}}
	if b.Handle(present, five); five.attempts() != 1 {
		t.Fatalf("500: %d attempts, want 1", five.attempts())
	}
}
