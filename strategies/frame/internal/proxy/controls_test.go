package proxy

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestNamedIsWhatAConnectionHeaderNamesBesidesCloseAndKeepAlive(t *testing.T) {
	got := named([]byte("keep-alive, X-Secret ,close,  x-other"))
	if len(got) != 2 || got[0] != "X-Secret" || got[1] != "x-other" {
		t.Fatalf("named %q", got)
	}
	if named(nil) != nil {
		t.Fatal("no Connection header names nothing")
	}
}

func TestDropHopRemovesThisHopsHeadersWhateverTheirCase(t *testing.T) {
	var h fasthttp.RequestHeader
	h.Set("keep-alive", "timeout=5")
	h.Set("TE", "trailers")
	h.Set("x-secret", "s")
	h.Set("Authorization", "Bearer k")
	dropHop(&h, []string{"X-SECRET"})
	for _, name := range []string{"Keep-Alive", "Te", "X-Secret"} {
		if len(h.Peek(name)) != 0 {
			t.Errorf("%s kept", name)
		}
	}
	if string(h.Peek("Authorization")) != "Bearer k" {
		t.Error("an end-to-end header was dropped")
	}
}
