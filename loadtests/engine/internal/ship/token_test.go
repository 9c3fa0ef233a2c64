package ship

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testToken = "0123456789abcdef0123456789abcdef"

// The token goes as a bearer on every post; a collector that refuses it (401) keeps the batches
// in the spool, none set aside: with the right token they are delivered.
func TestTheTokenIsSentAndARefusedTokenLosesNothing(t *testing.T) {
	c := &collector{got: map[uint64]string{}}
	var refused atomic.Int32
	want := "Bearer " + testToken
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("authorization") != want {
			refused.Add(1)
			http.Error(w, `{"error":{"code":"COLLECTOR_ERR_UNAUTHORIZED"}}`, http.StatusUnauthorized)
			return
		}
		c.ServeHTTP(w, r)
	}))
	defer srv.Close()
	spool := filepath.Join(t.TempDir(), "spool")
	wrong, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool, Token: strings.Repeat("x", 32)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_ = wrong.Put(batch(i))
	}
	left, rejected, _ := wrong.Close(500 * time.Millisecond)
	if left != 3 || rejected != 0 || refused.Load() == 0 {
		t.Fatalf("with the wrong token: left %d, rejected %d, refusals %d; want 3, 0, > 0", left, rejected, refused.Load())
	}
	right, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool, Token: testToken, Resend: true})
	if err != nil {
		t.Fatal(err)
	}
	if left, rejected, _ := right.Close(10 * time.Second); left != 0 || rejected != 0 || len(c.order) != 3 {
		t.Fatalf("with the token: left %d, rejected %d, delivered %d; want 0, 0, 3", left, rejected, len(c.order))
	}
}

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if got, err := ReadToken(write("ok", " "+testToken+"\n")); err != nil || got != testToken {
		t.Fatalf("ReadToken = %q, %v", got, err)
	}
	for name, content := range map[string]string{
		"empty":     "\n",
		"short":     "abc",
		"two-lines": testToken + "\n" + testToken,
		"spaced":    testToken + " x",
		"huge":      strings.Repeat("x", 5000),
	} {
		p := write(name, content)
		_, err := ReadToken(p)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want a refusal naming the file", name, err)
		}
		if err != nil && strings.Contains(err.Error(), content) && len(content) > 3 {
			t.Errorf("%s: the error repeats the file's content: %v", name, err)
		}
	}
	if _, err := ReadToken(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file should be refused")
	}
}
