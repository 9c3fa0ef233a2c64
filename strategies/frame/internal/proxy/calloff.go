package proxy

import (
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// An attempt that can be called off (a hedge's) needs a connection no other request shares:
// closing it is what stops the node, and fasthttp's client cannot call off a request waiting
// for its answer. A slot is a one-connection client that one attempt at a time holds, kept
// alive between attempts: a hedged request costs no dial (a dial and a close an attempt cost
// hedge about twice the other strategies' CPU a request, issue 28), and calling an attempt off
// closes its slot's connection, which the next attempt on it dials anew.
type slot struct {
	client *fasthttp.HostClient
	mu     sync.Mutex
	conn   net.Conn
	// held is the attempt holding the slot, nil while it is free.
	held *ticket
}

// ticket is one attempt's hold on a slot: off once called off. Once the slot is given back it
// holds another ticket (or none), so a call-off after that does nothing: the slot may already
// carry another attempt.
type ticket struct {
	off bool
}

// slots are a node's free slots.
type slots struct {
	addr string
	mu   sync.Mutex
	free []*slot
}

// maxFreeSlots bounds the slots kept free per node (the node client's own bound).
const maxFreeSlots = 4096

func (s *slots) take() (*slot, *ticket) {
	s.mu.Lock()
	var sl *slot
	if n := len(s.free); n > 0 {
		sl, s.free = s.free[n-1], s.free[:n-1]
	}
	s.mu.Unlock()
	if sl == nil {
		sl = s.newSlot()
	}
	t := &ticket{}
	sl.mu.Lock()
	sl.held = t
	sl.mu.Unlock()
	return sl, t
}

func (s *slots) newSlot() *slot {
	sl := &slot{}
	sl.client = &fasthttp.HostClient{
		Addr:     s.addr,
		MaxConns: 1,
		Dial: func(addr string) (net.Conn, error) {
			c, err := fasthttp.Dial(addr)
			sl.mu.Lock()
			defer sl.mu.Unlock()
			if err == nil && sl.held != nil && sl.held.off {
				_ = c.Close()
				return nil, errCalledOff
			}
			sl.conn = c
			return c, err
		},
		MaxIdleConnDuration:      30 * time.Second,
		StreamResponseBody:       true,
		DisablePathNormalizing:   true,
		NoDefaultUserAgentHeader: true,
	}
	return sl
}

// callOff closes the attempt's connection, if the attempt still holds its slot.
func (sl *slot) callOff(t *ticket) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.held != t {
		return
	}
	t.off = true
	if sl.conn != nil {
		_ = sl.conn.Close()
	}
}

// calledOff is whether the attempt was called off.
func (sl *slot) calledOff(t *ticket) bool {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	return t.off
}

// give ends the attempt's hold and keeps the slot, its connection open, for the next attempt. A
// slot whose attempt was called off is dropped instead: the call-off may have closed its
// connection after the answer came, where the client would take it up again for the next
// request and fail it (fasthttp resends no POST).
func (s *slots) give(sl *slot, t *ticket) {
	sl.mu.Lock()
	sl.held = nil
	off := t.off
	sl.mu.Unlock()
	if off {
		return
	}
	s.mu.Lock()
	if len(s.free) < maxFreeSlots {
		s.free = append(s.free, sl)
	}
	s.mu.Unlock()
}
