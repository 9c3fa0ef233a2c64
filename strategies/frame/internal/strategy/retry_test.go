package strategy

import (
	"testing"
	"time"
)

func newRetry(retries int, budget float64) *Retry {
	return &Retry{Retries: retries, Base: 100 * time.Millisecond, Max: 5 * time.Second, Budget: NewBudget(budget)}
}

func TestRetryRetriesBusyAnswersUntilOneIsNot(t *testing.T) {
	r := newRetry(3, 0.5)
	s := &fakeSender{statuses: []int{503, 429, 200}, retryAfter: -1}
	got := r.Handle(present, s)
	if got.Status() != 200 || len(s.sent) != 3 {
		t.Fatalf("got %d after %d attempts, want 200 after 3", got.Status(), len(s.sent))
	}
	if !s.sent[0].discarded || !s.sent[1].discarded || s.sent[2].discarded {
		t.Fatalf("the retried answers are discarded, the one sent is not: %+v", s.sent)
	}
	// Full jitter: the first wait under base, the second under 2 × base.
	if w := s.slept; len(w) != 2 || w[0] > 100*time.Millisecond || w[1] > 200*time.Millisecond {
		t.Fatalf("waits %v, want two within [0, 100 ms] and [0, 200 ms]", w)
	}
}

func TestRetryStopsAtItsRetriesAndSendsTheLastAnswer(t *testing.T) {
	r := newRetry(2, 0.5)
	s := &fakeSender{statuses: []int{503}, retryAfter: -1}
	if got := r.Handle(present, s); got.Status() != 503 || len(s.sent) != 3 {
		t.Fatalf("got %d after %d attempts, want 503 after 1 + 2", got.Status(), len(s.sent))
	}
}

func TestRetryNeverRetriesAnAnswerThatIsNotBusy(t *testing.T) {
	for _, status := range []int{200, 400, 401, 402, 422} {
		r := newRetry(3, 0.5)
		s := &fakeSender{statuses: []int{status}, retryAfter: -1}
		if r.Handle(present, s); len(s.sent) != 1 {
			t.Fatalf("%d was sent %d times, want once", status, len(s.sent))
		}
	}
}

func TestRetryHonoursRetryAfterUpToItsMax(t *testing.T) {
	r := newRetry(1, 0.5)
	s := &fakeSender{statuses: []int{429, 200}, retryAfter: 2 * time.Second}
	r.Handle(present, s)
	r.Max = time.Second
	s2 := &fakeSender{statuses: []int{429, 200}, retryAfter: 30 * time.Second}
	r.Handle(present, s2)
	if w := append(s.slept, s2.slept...); len(w) != 2 || w[0] != 2*time.Second || w[1] != time.Second {
		t.Fatalf("waits %v, want [2s 1s] (Retry-After, then capped at maxMs)", w)
	}
}

func TestRetryBudgetCapsRetriesOverALongOutage(t *testing.T) {
	// 1 000 requests against nodes that only answer 503: at most the 10 starting tokens plus
	// 0.5 a request are spent on retries, so the load is at most ~1.5 × the requests.
	r := newRetry(3, 0.5)
	s := &fakeSender{statuses: []int{503}, retryAfter: -1}
	for range 1000 {
		r.Handle(present, s)
	}
	if retries := len(s.sent) - 1000; retries > 510 || retries < 490 {
		t.Fatalf("%d retries for 1 000 requests, want ~500 (10 + 0.5 a request)", retries)
	}
}
