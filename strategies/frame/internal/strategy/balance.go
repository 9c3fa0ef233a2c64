package strategy

import (
	"sync"
	"sync/atomic"
)

// Balance is the Node frame's `balance-wrr` and `balance-lor`: load balancing over the nodes,
// with failover: a 429, 502 or 503 sends the request on to another node, each node tried at most
// once for it (Failover false: one attempt).
//   - WRR: smooth weighted round robin (nginx's algorithm), Weights by node (1 where not given);
//   - otherwise least outstanding: the node with the fewest attempts in flight from here (ties
//     in turn), which steers around a node that slowed down: its requests last longer, so it
//     holds more of them.
type Balance struct {
	WRR      bool
	Weights  []float64
	Failover bool

	turn    atomic.Uint64
	mu      sync.Mutex
	current []float64 // smooth WRR's running credit by node
}

func (b *Balance) Name() string {
	if b.WRR {
		return "balance-wrr"
	}
	return "balance-lor"
}

func (*Balance) Gauges() map[string]func() float64 { return nil }

func (b *Balance) Handle(r *Request, s Sender) Answer {
	left := make([]int, s.Nodes())
	for i := range left {
		left[i] = i
	}
	var answer Answer
	for len(left) > 0 {
		at := b.pick(left, s)
		if answer != nil {
			answer.Discard()
		}
		answer = s.SendTo(left[at], r)
		if !b.Failover || !failover(answer.Status()) {
			return answer
		}
		left = append(left[:at], left[at+1:]...)
	}
	return answer
}

func failover(status int) bool { return status == 429 || status == 502 || status == 503 }

// pick is the index in left of the node to try next.
func (b *Balance) pick(left []int, s Sender) int {
	if !b.WRR {
		best := int((b.turn.Add(1)) % uint64(len(left)))
		for i, node := range left {
			if s.Outstanding(node) < s.Outstanding(left[best]) {
				best = i
			}
		}
		return best
	}
	// Smooth WRR: every node gains its weight, the richest is picked and pays the total.
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current == nil {
		b.current = make([]float64, s.Nodes())
	}
	total, best := 0.0, -1
	for i, node := range left {
		w := 1.0
		if node < len(b.Weights) {
			w = b.Weights[node]
		}
		total += w
		b.current[node] += w
		if best < 0 || b.current[node] > b.current[left[best]] {
			best = i
		}
	}
	b.current[left[best]] -= total
	return best
}
