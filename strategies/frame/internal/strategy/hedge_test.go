package strategy

import (
	"testing"
	"time"
)

func TestHedgeSendsASecondAttemptAfterItsDelayAndTheFirstGoodAnswerWins(t *testing.T) {
	h := &Hedge{Delay: 20 * time.Millisecond, MaxHedges: 1}
	s := &fakeSender{nodes: 2, delays: map[int]time.Duration{0: 2 * time.Second, 1: 0}}
	start := time.Now()
	a := h.Handle(present, s).(*fakeAnswer)
	if a.node != 1 || a.status != 200 || time.Since(start) > time.Second {
		t.Fatalf("answer from node %d (%d) after %v: want node 1's, soon after the 20-ms delay", a.node, a.status, time.Since(start))
	}
	// The slow node's attempt is called off (its connection closed), not left to run.
	eventually(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return len(s.calledOff) == 1 && s.calledOff[0] == 0 },
		"the losing attempt on node 0 was not called off")
}

func TestHedgeSendsNoSecondAttemptWhenTheFirstAnswersInTime(t *testing.T) {
	h := &Hedge{Delay: 200 * time.Millisecond, MaxHedges: 2}
	s := &fakeSender{nodes: 3}
	if a := h.Handle(present, s); a.Status() != 200 || s.attempts() != 1 {
		t.Fatalf("%d after %d attempts, want one attempt", a.Status(), s.attempts())
	}
}

func TestHedgeWaitsForAnotherAttemptWhenOneIsBusyAndTakesTheLastWhenAllAre(t *testing.T) {
	h := &Hedge{Delay: 10 * time.Millisecond, MaxHedges: 1}
	// Node 0 answers 503 late; node 1 answers 200 later still: the good one wins.
	s := &fakeSender{nodes: 2, byNode: map[int]int{0: 503}, delays: map[int]time.Duration{0: 50 * time.Millisecond, 1: 100 * time.Millisecond}}
	if a := h.Handle(present, s); a.Status() != 200 {
		t.Fatalf("%d, want the 200 that came after the 503", a.Status())
	}
	busy := &fakeSender{nodes: 2, statuses: []int{503}, delays: map[int]time.Duration{0: 50 * time.Millisecond, 1: 20 * time.Millisecond}}
	if a := h.Handle(present, busy); a.Status() != 503 || busy.attempts() != 2 {
		t.Fatalf("%d after %d attempts, want the last 503 after both", a.Status(), busy.attempts())
	}
}
