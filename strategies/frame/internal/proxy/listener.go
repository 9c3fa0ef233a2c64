package proxy

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// patientListener retries an accept that failed for want of file descriptors (EMFILE, ENFILE)
// or a connection aborted before it was taken, as net/http's server does, instead of letting
// fasthttp end Serve on it: under a backlog of thousands of connections the frame runs out of
// descriptors for a moment, and the clients then wait in the kernel's queue, not on a dead port.
type patientListener struct {
	net.Listener
}

func (l patientListener) Accept() (net.Conn, error) {
	wait := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err == nil || !transient(err) {
			return c, err
		}
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}

func transient(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}
