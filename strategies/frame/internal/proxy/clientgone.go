package proxy

import (
	"net"
	"syscall"
)

// clientGone says whether the client closed its connection, without reading from it: a peek
// at the socket that finds its end (or a reset). fasthttp does not read a connection while its
// handler runs, so a hang-up is seen only when looked for; retry looks before each attempt.
func clientGone(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	gone := false
	_ = raw.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		gone = (n == 0 && err == nil) || err == syscall.ECONNRESET
		return true
	})
	return gone
}
