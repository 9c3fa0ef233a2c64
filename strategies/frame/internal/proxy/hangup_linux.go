package proxy

import (
	"net"
	"sync"
	"syscall"
)

// hangups tells the watches of the clients' connections when they hang up: one epoll set of its
// own holds each connection's socket for EPOLLRDHUP (the peer's end) from its accept to its close,
// and one goroutine waits on it. Two calls a connection (add, delete), nothing a request: a
// kept-alive connection carries thousands.
type hangups struct {
	epfd int
	mu   sync.Mutex
	// watching is keyed by a number given at each registration (the event carries it), not by
	// socket: an event read just before its socket was taken off, its descriptor then given to
	// another connection, finds no watch.
	watching map[uint32]*clientWatch
	gen      uint32
}

func newHangups() (*hangups, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	h := &hangups{epfd: epfd, watching: map[uint32]*clientWatch{}}
	go h.loop()
	return h, nil
}

// watch starts watching the client on conn; end stops it, and runs before the connection is
// closed (its descriptor may then be reused). A connection it cannot watch (not a socket) gets a
// watch that never fires.
func (h *hangups) watch(conn net.Conn) (w *clientWatch, end func()) {
	w = &clientWatch{}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return w, func() {}
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return w, func() {}
	}
	var fd int
	if raw.Control(func(f uintptr) { fd = int(f) }) != nil {
		return w, func() {}
	}
	h.mu.Lock()
	h.gen++
	key := h.gen
	h.watching[key] = w
	h.mu.Unlock()
	// EPOLLRDHUP: the client closed (or shut down its sending side, which a Node server takes
	// as gone too); a reset comes as EPOLLHUP / EPOLLERR, always reported. One shot: the first
	// tells it all. The event's Fd is its data, which epoll hands back untouched: the key.
	ev := syscall.EpollEvent{Events: syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(key)}
	if syscall.EpollCtl(h.epfd, syscall.EPOLL_CTL_ADD, fd, &ev) != nil {
		h.forget(key)
		return w, func() {}
	}
	return w, func() {
		_ = syscall.EpollCtl(h.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
		h.forget(key)
	}
}

func (h *hangups) forget(key uint32) {
	h.mu.Lock()
	delete(h.watching, key)
	h.mu.Unlock()
}

func (h *hangups) loop() {
	events := make([]syscall.EpollEvent, 256)
	for {
		n, err := syscall.EpollWait(h.epfd, events, -1)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			return
		}
		for _, ev := range events[:n] {
			h.mu.Lock()
			w := h.watching[uint32(ev.Fd)]
			h.mu.Unlock()
			if w != nil {
				w.hungUp()
			}
		}
	}
}
