package proxy

import (
	"net"
	"sync"
)

// clientWatch is whether a client is still there, and what to stop when it goes: when it hangs
// up before its answer was written, the attempts under way are called off (their connections
// closed, so the nodes stop the work) and none is sent after (each answers a 499, counted), as
// the Node frame does and nginx by default (`proxy_ignore_client_abort off`): a frame does not
// spend the nodes' capacity on answers nobody reads. The hang-up itself is told by the kernel
// (hangup_linux.go), never by a read: fasthttp does not read a connection while its handler
// runs. One watch a connection, from its accept to its close; its requests come one at a time.
type clientWatch struct {
	mu   sync.Mutex
	gone bool
	// stops are the current request's attempts, called off on a hang-up; one that is over is
	// not called off (its slot holds another ticket, or none).
	stops []*ticket
}

// isGone is whether the client hung up.
func (w *clientWatch) isGone() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gone
}

// whenGone keeps an attempt to call off on the hang-up, or calls it off now if the client has
// gone.
func (w *clientWatch) whenGone(t *ticket) {
	w.mu.Lock()
	if !w.gone {
		w.stops = append(w.stops, t)
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	t.callOff()
}

// requestDone forgets the request's call-offs: the next request on the connection has its own.
func (w *clientWatch) requestDone() {
	w.mu.Lock()
	clear(w.stops)
	w.stops = w.stops[:0]
	w.mu.Unlock()
}

func (w *clientWatch) hungUp() {
	w.mu.Lock()
	if w.gone {
		w.mu.Unlock()
		return
	}
	w.gone = true
	stops := w.stops
	w.stops = nil
	w.mu.Unlock()
	for _, t := range stops {
		t.callOff()
	}
}

// watchedConn is a client's connection with its watch; closing it ends the watch first.
type watchedConn struct {
	net.Conn
	watch *clientWatch
	end   func()
	once  sync.Once
}

func (c *watchedConn) Close() error {
	c.once.Do(c.end)
	return c.Conn.Close()
}

// watchOf is the watch of a request's connection (one the frame's listener did not accept, as
// a test's, gets a watch that never fires).
func watchOf(c net.Conn) *clientWatch {
	if wc, ok := c.(*watchedConn); ok {
		return wc.watch
	}
	return &clientWatch{}
}

// watchingListener gives each connection it accepts a watch.
type watchingListener struct {
	net.Listener
	hangups *hangups
}

func (l watchingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	w, end := l.hangups.watch(c)
	return &watchedConn{Conn: c, watch: w, end: end}, nil
}
