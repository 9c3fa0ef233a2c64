package proxy

import (
	"testing"
	"time"
)

func TestAnAttemptPastTheBoundWaitsForASlotToComeFree(t *testing.T) {
	s := newSlots("127.0.0.1:1", 1)
	first, waited, err := s.take()
	if err != nil || waited != 0 {
		t.Fatalf("the first take: %v, waited %v", err, waited)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.give(first)
	}()
	second, waited, err := s.take()
	if err != nil {
		t.Fatal(err)
	}
	if second.slot != first.slot {
		t.Fatal("a second connection was opened past the bound of one")
	}
	if waited < 40*time.Millisecond {
		t.Fatalf("waited %v for the slot, want about 50 ms (counted as a wait on the node)", waited)
	}
	// A slot whose attempt was called off is dropped, and its room made for a new one.
	second.callOff()
	s.give(second)
	third, _, err := s.take()
	if err != nil || third.slot == second.slot {
		t.Fatalf("after a call-off: %v, the same slot again: %v", err, third.slot == second.slot)
	}
}

func TestTheSlotFreedLastIsTakenFirst(t *testing.T) {
	// So that after a burst the slots the load no longer needs stay idle, and their
	// connections close.
	s := newSlots("127.0.0.1:1", 8)
	a, _, _ := s.take()
	b, _, _ := s.take()
	s.give(a)
	s.give(b)
	for range 3 {
		next, _, _ := s.take()
		if next.slot != b.slot {
			t.Fatal("a slot other than the one freed last was taken")
		}
		s.give(next)
	}
}
