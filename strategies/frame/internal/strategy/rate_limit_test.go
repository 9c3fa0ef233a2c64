package strategy

import (
	"sync"
	"testing"
	"time"
)

func TestTokenBucketPassesItsBurstThenReservesTokensInOrderAndRefusesPastMaxWait(t *testing.T) {
	b := &TokenBucket{RPS: 10, Burst: 3, MaxWait: 250 * time.Millisecond}
	now := time.Unix(1000, 0)
	for i := range 3 {
		if w, ok := b.admit(now); !ok || w != 0 {
			t.Fatalf("burst request %d: wait %v ok %v, want at once", i, w, ok)
		}
	}
	// Then one token every 100 ms, reserved in order: 100 ms, 200 ms; the next would wait 300.
	for i, want := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond} {
		if w, ok := b.admit(now); !ok || w != want {
			t.Fatalf("waiting request %d: wait %v ok %v, want %v", i, w, ok, want)
		}
	}
	if _, ok := b.admit(now); ok {
		t.Fatal("admitted a request that would wait 300 ms against a 250-ms limit")
	}
	r := &RateLimit{Limiter: &TokenBucket{RPS: 0.1, Burst: 1, MaxWait: 0}}
	s := &fakeSender{}
	r.Handle(present, s)
	if a := r.Handle(present, s); a.Status() != 429 || s.locals[0] != "rate_limited" || a.(*fakeAnswer).local != "client_rate_limited" {
		t.Fatalf("%d %v: want a local 429 client_rate_limited", a.Status(), s.locals)
	}
}

func TestSlidingLogNeverSendsMoreThanItsLimitInAnySecond(t *testing.T) {
	l := &SlidingLog{Limit: 5, MaxWait: 3 * time.Second, Now: time.Now}
	r := &RateLimit{Limiter: l}
	var mu sync.Mutex
	var sent []time.Time
	var wg sync.WaitGroup
	s := &fakeSender{}
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r.Handle(present, s).Status() == 200 {
				mu.Lock()
				sent = append(sent, time.Now())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(sent) != 12 {
		t.Fatalf("%d sent, want all 12 (5 now, 5 after a second, 2 after two)", len(sent))
	}
	for _, a := range sent {
		n := 0
		for _, b := range sent {
			if !b.Before(a) && b.Sub(a) < time.Second {
				n++
			}
		}
		if n > 5 {
			t.Fatalf("%d sends in the second from %v, want at most 5", n, a)
		}
	}
	if s.waited == 0 {
		t.Fatal("the waits were not told to the frame as waiting")
	}
}

func TestSlidingLogRefusesWhatWouldWaitPastMaxWait(t *testing.T) {
	l := &SlidingLog{Limit: 2, MaxWait: 500 * time.Millisecond, Now: time.Now}
	r := &RateLimit{Limiter: l}
	s := &fakeSender{}
	r.Handle(present, s)
	r.Handle(present, s)
	if a := r.Handle(present, s); a.Status() != 429 {
		t.Fatalf("third in a second with a limit of 2 and 500 ms to wait: %d, want 429", a.Status())
	}
	if lvl := l.Level(); lvl != 2 {
		t.Fatalf("level %g, want 2 sends in the window", lvl)
	}
}
