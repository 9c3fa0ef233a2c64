package guard

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// Control is a net.Dialer Control function that refuses, before connect(2), any socket whose
// remote address is not loopback. The engine installs it on every dial unless allowRemote:
// whatever trick passes the URL check (a redirect, DNS rebinding, a parser mismatch), no packet
// leaves for another host. The address it sees is the resolved ip:port the socket will connect to.
func Control(network, address string, _ syscall.RawConn) error {
	if strings.HasPrefix(network, "unix") {
		return nil // a Unix socket never leaves the machine
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("refusing to dial %s %q: %w: %w", network, address, err, ErrNotLoopback)
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("refusing to dial %s %q: %w: %w", network, address, err, ErrNotLoopback)
	}
	if !IsLoopback(a) {
		return fmt.Errorf("refusing to dial %s %s: %w (%s)", network, address, ErrNotLoopback, override)
	}
	return nil
}
