package strategy

import "strings"

// Chain is strategies joined by "+", as the Node frame's chains: `retry+breaker` is a retry
// around a breaker around the node call; each link's Send is the next link, the last link's the
// node. Strategies that pick the node themselves (balance) can only come last (config checks).
type Chain struct {
	Links []Strategy
}

func (c *Chain) Name() string {
	names := make([]string, len(c.Links))
	for i, l := range c.Links {
		names[i] = l.Name()
	}
	return strings.Join(names, "+")
}

func (c *Chain) Gauges() map[string]func() float64 {
	all := map[string]func() float64{}
	for _, l := range c.Links {
		for k, v := range l.Gauges() {
			all[k] = v
		}
	}
	return all
}

// QueueLength is every link's queue: a request waits in one of them at a time.
func (c *Chain) QueueLength() float64 {
	n := 0.0
	for _, l := range c.Links {
		if q, ok := l.(Queuer); ok {
			n += q.QueueLength()
		}
	}
	return n
}

func (c *Chain) Handle(r *Request, s Sender) Answer { return c.through(0, r, s) }

func (c *Chain) through(i int, r *Request, s Sender) Answer {
	if i == len(c.Links)-1 {
		return c.Links[i].Handle(r, s)
	}
	return c.Links[i].Handle(r, link{Sender: s, next: func(r *Request) Answer { return c.through(i+1, r, s) }})
}

// link is a chain link's Sender: sending goes to the next link; the rest is the frame's.
type link struct {
	Sender
	next func(*Request) Answer
}

func (l link) Send(r *Request) Answer { return l.next(r) }

// Counters are every link's.
func (c *Chain) Counters() []Counter {
	var all []Counter
	for _, l := range c.Links {
		if n, ok := l.(Counted); ok {
			all = append(all, n.Counters()...)
		}
	}
	return all
}

// Start starts every link that has parts of its own; when one cannot, those started are closed.
func (c *Chain) Start() error {
	for i, l := range c.Links {
		if st, ok := l.(Starter); ok {
			if err := st.Start(); err != nil {
				c.close(i)
				return err
			}
		}
	}
	return nil
}

func (c *Chain) Close() { c.close(len(c.Links)) }

// close closes the first n links that have parts of their own.
func (c *Chain) close(n int) {
	for _, l := range c.Links[:n] {
		if st, ok := l.(Starter); ok {
			st.Close()
		}
	}
}
