package results

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRequestLineIsJSON(t *testing.T) {
	r := Request{Sent: time.UnixMilli(1764400000123), Late: 80 * time.Microsecond, Step: 2, Rate: 12.5, Stream: true,
		Status: 200, Outcome: "ok", Latency: 101234 * time.Microsecond, TTFB: 100 * time.Millisecond,
		TTFT: 100500 * time.Microsecond, ITL: []time.Duration{10 * time.Millisecond, 9980 * time.Microsecond}, Tokens: 20, Attempts: 1}
	var got map[string]any
	if err := json.Unmarshal(r.AppendJSON(nil), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "req", "t": 1764400000123.0, "step": 2.0, "rate": 12.5, "stream": true, "status": 200.0,
		"outcome": "ok", "ms": 101.234, "ttfb": 100.0, "ttft": 100.5, "tokens": 20.0, "late": 0.08, "attempts": 1.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if itl := got["itl"].([]any); len(itl) != 2 || itl[1] != 9.98 {
		t.Errorf("itl = %v", got["itl"])
	}
}

// Lines reach the file within the flush interval, while the writer is still open: what a
// kill -9 would leave behind, and what a collector following the file reads.
func TestFlushesWhileRunning(t *testing.T) {
	for _, name := range []string{"r.json", "r.json.gz"} {
		path := filepath.Join(t.TempDir(), name)
		w, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 100; i++ {
			w.Append(func(b []byte) []byte { return AppendDropped(b, time.Now(), 0, 10, 1) })
		}
		time.Sleep(3 * FlushEvery)
		if n := countLines(t, path); n != 100 {
			t.Errorf("%s: %d lines on disk before close, want 100", name, n)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func countLines(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sc *bufio.Scanner
	if filepath.Ext(path) == ".gz" {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc = bufio.NewScanner(gz)
	} else {
		sc = bufio.NewScanner(f)
	}
	n := 0
	for sc.Scan() {
		n++
	}
	return n
}

func TestRequestLineCarriesItsClass(t *testing.T) {
	for _, tc := range []struct {
		priority string
		want     any // the prio field; nil: absent
	}{{"P0", "P0"}, {"P3", "P3"}, {"", nil}} {
		r := Request{Sent: time.UnixMilli(1764400000123), Step: 0, Rate: 10, Status: 200, Outcome: "ok",
			Latency: time.Millisecond, Attempts: 1, Priority: tc.priority}
		var got map[string]any
		if err := json.Unmarshal(r.AppendJSON(nil), &got); err != nil {
			t.Fatal(err)
		}
		if prio, ok := got["prio"]; prio != tc.want || ok != (tc.want != nil) {
			t.Errorf("priority %q: prio = %v (present %v), want %v", tc.priority, prio, ok, tc.want)
		}
	}
}

type sinkFunc func([]byte) error

func (f sinkFunc) Put(b []byte) error { return f(b) }

// With a shipper and no file, every line still goes out, in batches of whole lines.
func TestShipsWholeLinesWithoutAFile(t *testing.T) {
	w, err := Create("")
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	w.ShipTo(sinkFunc(func(b []byte) error {
		if len(b) == 0 || b[len(b)-1] != '\n' {
			t.Errorf("a batch that is not whole lines: %q", b)
		}
		got = append(got, b...)
		return nil
	}))
	for i := range 1000 {
		w.Append(func(b []byte) []byte { return append(b, fmt.Sprintf(`{"i":%d}`, i)...) })
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(got, []byte("\n")); n != 1000 {
		t.Errorf("%d lines shipped, want 1000", n)
	}
}
