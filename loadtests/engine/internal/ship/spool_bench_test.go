package ship

// What --fsync costs the engine (npm run bench:durability, bench/durability-bench.ts): one Put
// of a quarter second of results at 1 000 req/s (250 lines, ~70 KB), the spool's write and rename,
// with and without the flushes to the disk. The collector answers at once; ns/op is the time the
// results writer's flush waits (it runs off the requests' path, four times a second).

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
)

func benchmarkPut(b *testing.B, fsync bool) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"duplicate":false}`))
	}))
	defer srv.Close()
	// The spool on the disk the runs use (the temporary directory, as by default), not a tmpfs.
	s, err := New(Options{Collector: srv.URL, Runner: "bench", Spool: filepath.Join(b.TempDir(), "spool"), Fsync: fsync})
	if err != nil {
		b.Fatal(err)
	}
	line := []byte(`{"type":"req","t":1764400000000.000,"step":2,"rate":1000,"stream":false,"status":200,"outcome":"ok","ms":251.312,"ttfb":83.771,"late":0.301,"attempts":1,"user":"u-17","tokens":64}` + "\n")
	batch := bytes.Repeat(line, 250)
	b.SetBytes(int64(len(batch)))
	b.ResetTimer()
	for range b.N {
		if err := s.Put(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if left, _, _ := s.Close(30 * time.Second); left != 0 {
		b.Fatalf("%d batches not delivered", left)
	}
}

func BenchmarkSpoolPut(b *testing.B)      { benchmarkPut(b, false) }
func BenchmarkSpoolPutFsync(b *testing.B) { benchmarkPut(b, true) }
