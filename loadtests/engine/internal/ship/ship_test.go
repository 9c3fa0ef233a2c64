package ship

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// collector records what it was sent; it fails the first `failFirst` posts.
type collector struct {
	mu        sync.Mutex
	failFirst int
	posts     int
	got       map[uint64]string // seq -> body
	order     []uint64
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts++
	if c.posts <= c.failFirst {
		http.Error(w, `{"error":{"code":"DOWN"}}`, http.StatusServiceUnavailable)
		return
	}
	if r.URL.Path != Path || r.Header.Get("x-busybench-runner") != "r-1" || r.Header.Get("content-encoding") != "gzip" {
		http.Error(w, "bad request "+r.URL.Path, http.StatusBadRequest)
		return
	}
	seq, _ := strconv.ParseUint(r.Header.Get("x-busybench-seq"), 10, 64)
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(zr)
	if _, dup := c.got[seq]; !dup {
		c.order = append(c.order, seq)
	}
	c.got[seq] = string(body)
	_, _ = w.Write([]byte(`{"accepted":1}`))
}

func batch(i int) []byte { return []byte(fmt.Sprintf("{\"type\":\"req\",\"i\":%d}\n", i)) }

func TestDeliversEveryBatchInOrderThroughFailures(t *testing.T) {
	c := &collector{failFirst: 3, got: map[uint64]string{}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	spool := filepath.Join(t.TempDir(), "spool")
	s, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := s.Put(batch(i)); err != nil {
			t.Fatal(err)
		}
	}
	if left, _, _ := s.Close(10 * time.Second); left != 0 {
		t.Fatalf("%d batches left", left)
	}
	if len(c.order) != 20 {
		t.Fatalf("collector holds %d batches, want 20", len(c.order))
	}
	for i, seq := range c.order {
		if i > 0 && seq != c.order[i-1]+1 {
			t.Fatalf("batches out of order: %v", c.order)
		}
		if c.got[seq] != string(batch(i)) {
			t.Fatalf("batch %d = %q", i, c.got[seq])
		}
	}
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Errorf("the spool should be gone once everything is delivered: %v", err)
	}
}

// A collector that never answers: the batches stay in the spool, and a later shipper on the
// same spool (busybench-engine --resend) delivers them under their own numbers.
func TestUndeliveredBatchesStayAndAreResentUnderTheirNumbers(t *testing.T) {
	spool := filepath.Join(t.TempDir(), "spool")
	s, err := New(Options{Collector: "http://127.0.0.1:1", Runner: "r-1", Spool: spool})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := s.Put(batch(i)); err != nil {
			t.Fatal(err)
		}
	}
	left, _, dir := s.Close(300 * time.Millisecond)
	if left != 5 || dir != spool {
		t.Fatalf("left %d in %s, want 5 in %s", left, dir, spool)
	}
	first, _ := spooled(spool)

	c := &collector{got: map[uint64]string{}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	// A run of its own on that spool is refused: the batches are another run's.
	if _, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool}); err == nil {
		t.Fatal("a spool holding an earlier run's batches was taken by a new run")
	}
	again, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool, Resend: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Put(batch(5)); err != nil { // numbered after the leftovers
		t.Fatal(err)
	}
	if left, _, _ := again.Close(10 * time.Second); left != 0 {
		t.Fatalf("%d left after the resend", left)
	}
	if len(c.order) != 6 || c.order[0] != first[0] || c.order[5] != first[4]+1 {
		t.Fatalf("resent %v, spooled first %v", c.order, first)
	}
}

// Two spools of one runner never share a number: the collector would take the second's batch
// for a resend of the first's and drop it.
func TestAFreshSpoolNumbersAboveAnEarlierOne(t *testing.T) {
	c := &collector{got: map[uint64]string{}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	var last uint64
	for round := range 2 {
		s, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: filepath.Join(t.TempDir(), "spool")})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			_ = s.Put(batch(i))
		}
		s.Close(5 * time.Second)
		if round == 1 && c.order[3] <= last {
			t.Fatalf("second spool started at %d, first ended at %d", c.order[3], last)
		}
		last = c.order[len(c.order)-1]
		time.Sleep(2 * time.Millisecond)
	}
}

// A batch the collector refuses for good (400) is set aside; the ones after it still go.
func TestARefusedBatchIsSetAsideAndTheRestDelivered(t *testing.T) {
	c := &collector{got: map[uint64]string{}}
	refuse := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse {
			refuse = false
			http.Error(w, `{"error":{"code":"COLLECTOR_ERR_BAD_BATCH"}}`, http.StatusBadRequest)
			return
		}
		c.ServeHTTP(w, r)
	}))
	defer srv.Close()
	spool := filepath.Join(t.TempDir(), "spool")
	s, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_ = s.Put(batch(i))
	}
	left, rejected, _ := s.Close(10 * time.Second)
	if left != 0 || rejected != 1 || len(c.order) != 2 {
		t.Fatalf("left %d, rejected %d, delivered %d; want 0, 1, 2", left, rejected, len(c.order))
	}
	if kept, _ := os.ReadDir(filepath.Join(spool, rejectedDir)); len(kept) != 1 {
		t.Fatalf("the refused batch should stay in rejected/: %v", kept)
	}
}

func TestRunnerNamesArePlain(t *testing.T) {
	for name, ok := range map[string]bool{
		"runner-0": true, "busybench-runners-2-x7k": true, "a.b_c": true, "": false, "-x": false,
		"../etc": false, "a/b": false, "a b": false, string(make([]byte, 129)): false,
	} {
		if ValidRunner(name) != ok {
			t.Errorf("ValidRunner(%q) = %v", name, !ok)
		}
	}
}

func TestRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	for _, o := range []Options{
		{Collector: "ftp://x", Runner: "a", Spool: dir},
		{Collector: "http://127.0.0.1:9464", Runner: "a/b", Spool: dir},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Collector: "http://127.0.0.1:9464", Runner: "a", Spool: dir}); err == nil {
		t.Error("a spool holding other files was accepted")
	}
}

// The spool is this user's alone: made 0700 (an older one narrowed), its batches 0600, and a
// link planted at its (predictable) path refused rather than written through.
func TestTheSpoolIsPrivate(t *testing.T) {
	srv := httptest.NewServer(&collector{got: map[uint64]string{}})
	defer srv.Close()
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: spool})
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(spool); info.Mode().Perm() != 0o700 {
		t.Errorf("spool mode %v, want 0700", info.Mode().Perm())
	}
	if err := s.Put(batch(0)); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(spool)
	for _, e := range entries {
		if info, _ := e.Info(); info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: readable by others", e.Name(), info.Mode().Perm())
		}
	}
	s.Close(5 * time.Second)

	target := filepath.Join(dir, "elsewhere")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "planted")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Collector: srv.URL, Runner: "r-1", Spool: link}); err == nil || !strings.Contains(err.Error(), "is a link") {
		t.Errorf("a planted link was taken as the spool: %v", err)
	}
}
