package strategy

import "sync"

// Budget is a retry budget, as gRPC's retry throttling and Finagle's budgets have it: every
// request deposits ratio tokens (capped), every retry withdraws one. In steady state retries stay
// under ratio × requests, so a long outage meets at most (1 + ratio) times the load, not
// (1 + retries) times. The same rule as the Node frame's retry-budget.ts.
type Budget struct {
	mu     sync.Mutex
	ratio  float64
	cap    float64
	tokens float64
}

// NewBudget starts with 10 tokens (or the cap, if lower), so a first brownout can be retried.
func NewBudget(ratio float64) *Budget {
	return &Budget{ratio: ratio, cap: 100, tokens: 10}
}

func (b *Budget) Deposit() {
	b.mu.Lock()
	b.tokens = min(b.cap, b.tokens+b.ratio)
	b.mu.Unlock()
}

// Withdraw takes a token for one retry; false when there is none.
func (b *Budget) Withdraw() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (b *Budget) Tokens() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}
