package proxy

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Every attempt can be called off (a hedge that lost, a client that hung up: hangup.go), so each
// needs a connection no other request shares: closing it is what stops the node, and fasthttp's
// client cannot call off a request waiting for its answer. A slot is a one-connection client
// that one attempt at a time holds, kept alive between attempts: an attempt costs no dial (a
// dial and a close an attempt cost hedge about twice the other strategies' CPU a request, issue
// 28), and calling an attempt off closes its slot's connection, which is then dropped.
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
	slot *slot
	off  bool
}

// slots are a node's slots: those free, and room for the ones that may exist (each a connection).
type slots struct {
	addr string
	mu   sync.Mutex
	// free is a stack: the slot used last is taken first, so after a burst the slots beyond
	// what the load needs stay idle and their connections close (MaxIdleConnDuration), as a
	// pooled client's do. Taken in turn, every connection a stall opened stayed in use: RSS
	// 390 MB after a 7.5-s stall came down only to 305 MB in a 10-minute soak; as a stack, 252
	// MB after a 1.7-s stall, then 184–196 MB.
	free []*slot
	// freed wakes an attempt waiting for a slot (one signal kept; a waiter that takes a slot
	// and sees more free passes it on).
	freed chan struct{}
	// room holds a token for each slot there is, free or held: a node's connections are bounded
	// (three nodes and their clients stay inside the process's descriptors, 20 000 here); past it
	// an attempt waits for a slot, as long as slotWait, rather than failing.
	room chan struct{}
}

const (
	// maxSlots bounds a node's connections: enough for any burst at these rates (5 000 req/s at
	// 170 ms is ~850 at once).
	maxSlots = 4096
	slotWait = 30 * time.Second
)

// errNoSlot is an attempt that waited slotWait for a connection to its node.
var errNoSlot = errors.New("no connection to the node came free in " + slotWait.String())

// newSlots are a node's slots, at most max of them (maxSlots).
func newSlots(addr string, max int) *slots {
	return &slots{addr: addr, freed: make(chan struct{}, 1), room: make(chan struct{}, max)}
}

// pop is the slot freed last, or nil; a waiter that took one and leaves more passes the signal on.
func (s *slots) pop() *slot {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.free)
	if n == 0 {
		return nil
	}
	sl := s.free[n-1]
	s.free[n-1] = nil
	s.free = s.free[:n-1]
	if n > 1 {
		s.signal()
	}
	return sl
}

// signal wakes one waiter, if any (never blocks).
func (s *slots) signal() {
	select {
	case s.freed <- struct{}{}:
	default:
	}
}

// take is the slot freed last, else a new one while there is room, else the first to come free
// or room made within slotWait; and the time it waited (a wait on the node, not the frame's own
// work).
func (s *slots) take() (*ticket, time.Duration, error) {
	var waited time.Duration
	sl := s.pop()
	if sl == nil {
		select {
		case s.room <- struct{}{}:
			sl = s.newSlot()
		default:
			start := time.Now()
			timer := time.NewTimer(slotWait)
			for sl == nil {
				select {
				case <-s.freed:
					sl = s.pop()
				case s.room <- struct{}{}:
					sl = s.newSlot()
				case <-timer.C:
					return nil, slotWait, errNoSlot
				}
			}
			timer.Stop()
			waited = time.Since(start)
		}
	}
	t := &ticket{slot: sl}
	sl.mu.Lock()
	sl.held = t
	sl.mu.Unlock()
	return t, waited, nil
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
func (t *ticket) callOff() {
	sl := t.slot
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
func (t *ticket) calledOff() bool {
	t.slot.mu.Lock()
	defer t.slot.mu.Unlock()
	return t.off
}

// giveAfter gives the slot back once the node is done with the attempt's answer: now for a
// whole or failed one, at its end for a stream.
func (s *slots) giveAfter(a *answer, t *ticket) {
	if a.release == nil {
		s.give(t)
		return
	}
	done := a.release
	a.release = func() { done(); s.give(t) }
}

// give ends the attempt's hold and keeps the slot, its connection open, for the next attempt. A
// slot whose attempt was called off is dropped instead: the call-off may have closed its
// connection after the answer came, where the client would take it up again for the next
// request and fail it (fasthttp resends no POST).
func (s *slots) give(t *ticket) {
	sl := t.slot
	sl.mu.Lock()
	sl.held = nil
	off := t.off
	sl.mu.Unlock()
	if off {
		sl.client.CloseIdleConnections()
		<-s.room
		return
	}
	s.mu.Lock()
	s.free = append(s.free, sl)
	s.mu.Unlock()
	s.signal()
}
