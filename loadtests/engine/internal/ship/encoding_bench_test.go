package ship

// The two ways a runner could ship its results, measured on one second of load at 5 000 req/s
// (npm run bench:ship, bench/ship-bench.ts, reads what these write and times the collector's side):
//   lines       every request's line as the engine writes it, gzip'd (what ship.go sends)
//   histograms  per second, HDR histograms of latency by outcome, time to first token,
//               inter-token gaps and lateness (hdrhistogram-go's compressed encoding), and counts
// Each op is one second of one runner's requests; ns/op over 1e9 is the share of a core.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"busybench/engine/internal/results"
)

const perSecond = 5000

// oneSecond: 5 000 requests as the engine sees them under load: 30 % streams of 8-40 tokens,
// latencies log-normal around 250 ms, 3 % 429 and 2 % 503, lateness mostly under a millisecond.
func oneSecond() []results.Request {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.UnixMilli(1_764_400_000_000)
	out := make([]results.Request, perSecond)
	for i := range out {
		latency := time.Duration(math.Exp(math.Log(250)+0.5*rng.NormFloat64()) * float64(time.Millisecond))
		r := results.Request{Sent: t0.Add(time.Duration(i) * time.Second / perSecond), Late: time.Duration(rng.ExpFloat64() * 300_000),
			Step: 2, Rate: perSecond, Status: 200, Outcome: "ok", Latency: latency, TTFB: latency / 3, Attempts: 1}
		switch u := rng.Float64(); {
		case u < 0.03:
			r.Status, r.Outcome, r.Latency = 429, "429", 2*time.Millisecond
		case u < 0.05:
			r.Status, r.Outcome, r.Latency = 503, "503", 3*time.Millisecond
		case u < 0.35:
			r.Stream, r.TTFT = true, latency/3
			n := 8 + rng.IntN(33)
			r.Tokens = n
			for range n - 1 {
				r.ITL = append(r.ITL, time.Duration((4+rng.ExpFloat64()*2)*float64(time.Millisecond)))
			}
		default:
			r.Tokens = 8 + rng.IntN(33)
		}
		out[i] = r
	}
	return out
}

func encodeLines(reqs []results.Request) (raw, zipped []byte) {
	for i := range reqs {
		raw = reqs[i].AppendJSON(raw)
		raw = append(raw, '\n')
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	return raw, buf.Bytes()
}

// interval is what a runner would send each second instead of lines.
type interval struct {
	Step       int               `json:"step"`
	Counts     map[string]int    `json:"counts"`
	Tokens     int               `json:"tokens"`
	Histograms map[string][]byte `json:"histograms"` // name -> compressed HDR (base64 in JSON)
}

func encodeHistograms(reqs []results.Request) []byte {
	hists := map[string]*hdrhistogram.Histogram{}
	hist := func(name string) *hdrhistogram.Histogram {
		if h := hists[name]; h != nil {
			return h
		}
		h := hdrhistogram.New(1, 600_000_000, 3) // µs, as the engine's SLA histograms
		hists[name] = h
		return h
	}
	iv := interval{Step: 2, Counts: map[string]int{}, Histograms: map[string][]byte{}}
	for i := range reqs {
		r := &reqs[i]
		_ = hist("latency." + r.Outcome).RecordValue(r.Latency.Microseconds())
		_ = hist("lateness").RecordValue(r.Late.Microseconds())
		if r.TTFT > 0 {
			_ = hist("ttft").RecordValue(r.TTFT.Microseconds())
		}
		for _, g := range r.ITL {
			_ = hist("itl").RecordValue(g.Microseconds())
		}
		iv.Counts[r.Outcome]++
		iv.Tokens += r.Tokens
	}
	for name, h := range hists {
		enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err != nil {
			panic(err)
		}
		iv.Histograms[name] = enc
	}
	raw, _ := json.Marshal(iv)
	return raw
}

func BenchmarkShipLines(b *testing.B) {
	reqs := oneSecond()
	var zipped []byte
	for range b.N {
		_, zipped = encodeLines(reqs)
	}
	b.ReportMetric(float64(len(zipped)), "wire-bytes/s")
	writeSample(b, "lines.ndjson.gz", zipped)
}

func BenchmarkShipHistograms(b *testing.B) {
	reqs := oneSecond()
	var raw []byte
	for range b.N {
		raw = encodeHistograms(reqs)
	}
	b.ReportMetric(float64(len(raw)), "wire-bytes/s")
	writeSample(b, "histograms.json", raw)
}

// writeSample leaves one second of each encoding for the collector's half of the benchmark.
func writeSample(b *testing.B, name string, data []byte) {
	dir := os.Getenv("BUSYBENCH_SHIP_SAMPLES")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		b.Fatal(err)
	}
}
