// Package guard keeps load on this machine: a load generator refuses any target that is not a
// loopback address unless the user says --allow-remote. Nobody should fire thousands of requests a
// second at a paid API, or a colleague's host, by accident.
//
// Two layers: Check vets the URL up front (and gives a readable error), Control vets every socket
// just before connect(2), so a trick that fools the URL check still sends nothing off the host.
package guard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Resolver is what the check uses to resolve names; *net.Resolver satisfies it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// ErrNotLoopback is wrapped by every refusal (errors.Is works).
var ErrNotLoopback = errors.New("not a loopback address")

const override = "pass --allow-remote only if you mean to load that host"

// Check parses rawURL as net/http will (url.Parse; http/https only; host from u.Hostname()),
// normalises odd IPv4 forms as a C resolver would (decimal, octal, hex, fewer than 4 parts:
// inet_aton rules), resolves names with r (net.DefaultResolver when nil), and returns nil only
// when every address is loopback, or allowRemote.
func Check(ctx context.Context, rawURL string, allowRemote bool, r Resolver) error {
	if allowRemote {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// The parse error echoes the URL, which may hold credentials: say only why.
		return fmt.Errorf("refusing target: cannot parse it as a URL: %w (%s)", ErrNotLoopback, override)
	}
	target := u.Redacted() // never echo a password into logs
	if scheme := strings.ToLower(u.Scheme); scheme != "http" && scheme != "https" {
		return fmt.Errorf("refusing %s: scheme %q is not http or https: %w (%s)", target, u.Scheme, ErrNotLoopback, override)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("refusing %s: it has no host: %w (%s)", target, ErrNotLoopback, override)
	}

	addrs, err := addresses(ctx, host, r)
	if err != nil {
		return fmt.Errorf("refusing %s: cannot resolve host %q (%w): %w (%s)", target, host, err, ErrNotLoopback, override)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("refusing %s: host %q resolves to no address: %w (%s)", target, host, ErrNotLoopback, override)
	}
	// Every address must be loopback: a client may pick any of them, in any order.
	for _, a := range addrs {
		if !IsLoopback(a) {
			return fmt.Errorf("refusing %s: host %q has address %s, %w (127.0.0.0/8, ::1); %s",
				target, host, a, ErrNotLoopback, override)
		}
	}
	return nil
}

// IsLoopback reports whether a is in 127.0.0.0/8 or is ::1, IPv4-mapped forms included.
func IsLoopback(a netip.Addr) bool {
	return a.Unmap().IsLoopback()
}

// addresses turns a URL host into the addresses a client would dial: literals as they are
// (including the inet_aton forms a C resolver accepts), names through r.
func addresses(ctx context.Context, host string, r Resolver) ([]netip.Addr, error) {
	if a, ok := parseInetAton(host); ok {
		return []netip.Addr{a}, nil
	}
	if a, err := netip.ParseAddr(host); err == nil { // IPv6, with or without a zone
		return []netip.Addr{a}, nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		a, ok := netip.AddrFromSlice(ip.IP)
		if !ok {
			return nil, fmt.Errorf("resolver returned an invalid address %v", ip.IP)
		}
		out = append(out, a.Unmap()) // net.IP holds IPv4 in 16 bytes; show it as people write it
	}
	return out, nil
}

// parseInetAton reads an IPv4 address the way inet_aton(3) does, because a C resolver (and so
// getaddrinfo, curl, many clients) dials "2130706433", "0177.0.0.1" or "0x7f.1" as 127.0.0.1:
// 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining
// bytes. Anything else is not an address.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := parseAtonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			v = v<<8 | n
			continue
		}
		width := uint(8 * (4 - i)) // bits the last part covers
		if n >= 1<<width {
			return netip.Addr{}, false
		}
		v = v<<width | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// parseAtonPart reads one inet_aton part; values above 32 bits are refused (not wrapped).
func parseAtonPart(p string) (uint64, bool) {
	base := uint64(10)
	switch {
	case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if p == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(p); i++ {
		d, ok := digit(p[i])
		if !ok || d >= base {
			return 0, false
		}
		n = n*base + d
		if n > 0xffffffff {
			return 0, false
		}
	}
	return n, true
}

func digit(c byte) (uint64, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}
