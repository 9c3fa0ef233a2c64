package strategy

import "testing"

func TestChainSendsThroughEachLinkInTurn(t *testing.T) {
	// retry+key-pool: each of the retry's attempts goes through the key pool.
	c := &Chain{Links: []Strategy{
		&Retry{Retries: 3, Base: 1, Max: 1, Budget: NewBudget(10)},
		&KeyPool{Keys: []string{"k"}},
	}}
	s := &fakeSender{statuses: []int{503, 200}}
	if a := c.Handle(present, s); a.Status() != 200 || s.attempts() != 2 {
		t.Fatalf("%d after %d attempts, want 200 after 2", a.Status(), s.attempts())
	}
	for _, a := range s.sent {
		if len(a.req.Set) != 1 {
			t.Fatal("an attempt of the retry did not pass through the key pool")
		}
	}
	if c.Name() != "retry+key-pool" {
		t.Fatalf("name %q", c.Name())
	}
	if _, ok := c.Gauges()["retry_budget_tokens"]; !ok {
		t.Fatal("the chain lost its links' gauges")
	}
	b := &Chain{Links: []Strategy{&Retry{Budget: NewBudget(0)}, &Bulkhead{Limit: 1, Queue: 1}}}
	if b.QueueLength() != 0 {
		t.Fatal("queue of an idle chain")
	}
}
