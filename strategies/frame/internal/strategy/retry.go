package strategy

import (
	"math/rand/v2"
	"time"
)

// Retry is exponential backoff with full jitter, Retry-After honoured, within a retry budget:
// the Node frame's `retry` (cockatiel there) with the same options and bounds. Only the answer's
// status decides: a stream is retried before its first byte, never after.
type Retry struct {
	Retries int
	Base    time.Duration
	Max     time.Duration
	Budget  *Budget
}

func (*Retry) Name() string { return "retry" }

func (r *Retry) Gauges() map[string]func() float64 {
	return map[string]func() float64{"retry_budget_tokens": r.Budget.Tokens}
}

// Wait is the pause before retry number attempt (1 for the first retry): the answer's
// Retry-After when it has one (at most Max), else full jitter, uniform in
// [0, min(Max, Base × 2^(attempt-1))).
func (r *Retry) Wait(attempt int, last Answer) time.Duration {
	if told := last.RetryAfter(); told >= 0 {
		return min(told, r.Max)
	}
	ceiling := r.Max
	if attempt-1 < 40 {
		ceiling = min(r.Max, r.Base*time.Duration(1<<(attempt-1)))
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func (r *Retry) Handle(req *Request, s Sender) Answer {
	r.Budget.Deposit()
	answer := s.Send(req)
	for attempt := 1; attempt <= r.Retries; attempt++ {
		if !Retryable(answer.Status()) || !r.Budget.Withdraw() {
			return answer
		}
		s.Sleep(r.Wait(attempt, answer))
		// A client that left while we waited gets no further attempt: the sender answers 499
		// (not retryable) without sending.
		answer.Discard()
		answer = s.Send(req)
	}
	return answer
}
