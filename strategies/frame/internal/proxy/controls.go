package proxy

import (
	"net/url"
	"regexp"
	"strings"
)

// The mock's test controls, which the frame does not forward unless told to
// (--forward-test-controls): its admin API and its per-request fault headers. The mock answers
// its admin API to loopback clients, and a proxy on the same machine is one. The same rules as
// the Node frame's test-controls.ts.

var faultHeaders = []string{"X-Busybench-Error", "X-Busybench-Fault"}

// adminPath matches the admin API as the mock's router would: any case, extra leading slashes
// and ./ segments ignored (the path is percent-decoded first).
var adminPath = regexp.MustCompile(`(?i)^(/+(\./)*)+admin(/|$)`)

// refusedTarget is the answer for a request target the frame does not forward, or nil.
func refusedTarget(uri []byte, testControls bool) *answer {
	if len(uri) == 0 || uri[0] != '/' {
		return localError(400, "invalid_request_error", "Invalid request target: a path is expected")
	}
	if testControls {
		return nil
	}
	raw, _, _ := strings.Cut(string(uri), "?")
	path, err := url.PathUnescape(raw)
	if err != nil {
		path = raw // a malformed escape: matched as it is
	}
	if adminPath.MatchString(path) {
		return localError(403, "admin_not_forwarded",
			"The strategy proxy does not forward the mock's admin API: call the mock directly, or start the proxy with --forward-test-controls")
	}
	return nil
}

// hop are the headers that belong to one hop (RFC 9110 §7.6.1), never forwarded, and the ones
// the frame redoes itself (host, content-length).
var hop = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer", "Upgrade",
	"Expect", "Host", "Content-Length",
}

// named are the headers a message's Connection header names (besides close and keep-alive):
// this hop's too. Nil when there are none, as for nearly every request.
func named(connection []byte) []string {
	if len(connection) == 0 {
		return nil // the common case: nothing named, nothing allocated
	}
	var out []string
	for _, t := range strings.Split(string(connection), ",") {
		t = strings.TrimSpace(t)
		if t != "" && !strings.EqualFold(t, "close") && !strings.EqualFold(t, "keep-alive") {
			out = append(out, t)
		}
	}
	return out
}

// header is what both fasthttp header types offer for dropping one.
type header interface{ Del(key string) }

// dropHop removes this hop's headers from a copied header, and the extra names given.
func dropHop(h header, extra []string) {
	for _, name := range hop {
		h.Del(name)
	}
	for _, name := range extra {
		h.Del(name)
	}
}
