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
	free chan *slot
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

func newSlots(addr string) *slots {
	return &slots{addr: addr, free: make(chan *slot, maxSlots), room: make(chan struct{}, maxSlots)}
}

// take is a free slot, else a new one while there is room, else the first to come free or room
// made within slotWait.
func (s *slots) take() (*ticket, error) {
	var sl *slot
	select {
	case sl = <-s.free:
	default:
		select {
		case sl = <-s.free:
		case s.room <- struct{}{}:
			sl = s.newSlot()
		default:
			timer := time.NewTimer(slotWait)
			select {
			case sl = <-s.free:
			case s.room <- struct{}{}:
				sl = s.newSlot()
			case <-timer.C:
				return nil, errNoSlot
			}
			timer.Stop()
		}
	}
	t := &ticket{slot: sl}
	sl.mu.Lock()
	sl.held = t
	sl.mu.Unlock()
	return t, nil
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
	s.free <- sl // never blocks: there are no more slots than room
}
