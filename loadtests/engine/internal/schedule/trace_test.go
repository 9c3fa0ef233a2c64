package schedule

import (
	"busybench/engine/internal/plan"

	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const azure = "../../../../../shared/traces/azure-conv-2023.csv"
const mooncake = "../../../../../shared/traces/mooncake-conversation.jsonl"

func TestTheAzureTraceAt500TimesItsSpeed(t *testing.T) {
	tr, err := OpenTrace(plan.Trace{File: azure, Speed: 500})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Info.Format != "azure" || tr.Info.Rows != 19_366 || tr.Info.Selected != 19_366 {
		t.Fatalf("read %+v", tr.Info)
	}
	// About 58 minutes recorded: about 7 s replayed.
	if d := tr.Duration(); d < 6*time.Second || d > 8*time.Second {
		t.Errorf("replay lasts %v, want about 7 s", d)
	}
	var sent uint64
	it := tr.Iter(Whole)
	last := time.Duration(-1)
	for h, ok := it.Next(); ok; h, ok = it.Next() {
		if h.Index != sent || h.Row == nil {
			t.Fatalf("arrival %d came as %d (row %v)", sent, h.Index, h.Row)
		}
		// Each row at its own offset, 500 times sooner.
		if want := time.Duration(h.Row.OffsetMs / 500 * float64(time.Millisecond)); h.Due != want {
			t.Fatalf("row at line %d due at %v, want %v", h.Row.Line, h.Due, want)
		}
		if h.Due < last {
			t.Fatalf("line %d is due before the line above", h.Row.Line)
		}
		last = h.Due
		sent++
	}
	if it.Err() != nil || sent != 19_366 {
		t.Fatalf("sent %d rows, err %v", sent, it.Err())
	}
	// Ten windows by default; their arrivals add up to the trace.
	total := uint64(0)
	for _, w := range tr.Info.Windows {
		total += w.Arrivals
	}
	if len(tr.Info.Windows) != 10 || total != 19_366 {
		t.Errorf("%d windows with %d arrivals", len(tr.Info.Windows), total)
	}
}

func TestAMeanRateKeepsTheShapeAndLoopsRepeatIt(t *testing.T) {
	tr, err := OpenTrace(plan.Trace{File: azure, MeanRate: 5000, Loops: 3, WindowMs: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(tr.Info.MeanRate/5000-1) > 1e-9 {
		t.Errorf("mean rate %v, want 5000", tr.Info.MeanRate)
	}
	if want := int(math.Ceil(tr.Info.DurationMs / 1000)); len(tr.Info.Windows) != want {
		t.Errorf("%d windows of 1 s over %.0f ms", len(tr.Info.Windows), tr.Info.DurationMs)
	}
	whole := tr.PerStep(Whole)
	sum := map[int]uint64{}
	for i := uint64(0); i < 4; i++ {
		n := uint64(0)
		it := tr.Iter(Segment{i, 4})
		for h, ok := it.Next(); ok; h, ok = it.Next() {
			if h.Index%4 != i {
				t.Fatalf("segment %d/4 sent arrival %d", i, h.Index)
			}
			sum[h.Step]++
			n++
		}
		if n < 3*19_366/4 {
			t.Errorf("segment %d/4 sent %d of %d", i, n, 3*19_366)
		}
	}
	for step, n := range whole {
		if sum[step] != n {
			t.Errorf("window %d: the segments sent %d, the replay has %d", step, sum[step], n)
		}
	}
}

func TestAStretchOfTheMooncakeTrace(t *testing.T) {
	tr, err := OpenTrace(plan.Trace{File: mooncake, StartMs: 60_000, DurationMs: 120_000})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Info.Format != "mooncake" || tr.Info.Selected == 0 || tr.Info.SpanMs != 120_000 {
		t.Fatalf("read %+v", tr.Info)
	}
	it := tr.Iter(Whole)
	h, ok := it.Next()
	if !ok || h.Row.OffsetMs < 0 || h.Row.OffsetMs >= 120_000 || len(h.Row.Blocks) == 0 || h.Row.Blocks[0] != 0 {
		t.Fatalf("first arrival %+v", h.Row)
	}
	if tr.Info.MaxPrompt > 126_195 || tr.Info.Rows != 12_031 {
		t.Errorf("read %+v", tr.Info)
	}
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if strings.HasSuffix(name, ".gz") {
		f, _ := os.Create(p)
		z := gzip.NewWriter(f)
		z.Write([]byte(text))
		z.Close()
		f.Close()
		return p
	}
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBurstGPTAndBusybenchFormats(t *testing.T) {
	burst := write(t, "b.csv.gz", "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"+
		"5,ChatGPT,100,20,120,Conversation log\n6.5,GPT-4,300,0,300,Conversation log\n8,ChatGPT,3,7,10,API log\n")
	tr, err := OpenTrace(plan.Trace{File: burst})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Info.Format != "burstgpt" || tr.Info.Selected != 2 || tr.Info.SkippedFailed != 1 || tr.Info.BelowMinimum != 1 {
		t.Errorf("BurstGPT read as %+v", tr.Info)
	}
	own := write(t, "own.jsonl", `{"offset_ms":0,"prompt_tokens":700,"output_tokens":5,"prefix_blocks":[1,2],"user":"u1","session":"s1","model":"deepseek-v4-pro","stream":true,"priority":"P1"}`+"\n"+
		`{"offset_ms":250,"prompt_tokens":10,"output_tokens":1}`+"\n")
	tr, err = OpenTrace(plan.Trace{File: own})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := tr.Iter(Whole).Next()
	if r := h.Row; r.User != "u1" || r.Session != "s1" || r.Model != "deepseek-v4-pro" || r.Stream == nil || !*r.Stream ||
		r.Priority != "P1" || len(r.Blocks) != 2 || r.Prompt != 700 {
		t.Errorf("busybench row read as %+v", r)
	}
}

func TestBadTracesAreRefusedWithTheirLine(t *testing.T) {
	for name, c := range map[string]struct{ file, text, want string }{
		"unknown":      {"x.txt", "hello\n", "cannot tell the trace's format"},
		"bad number":   {"a.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,12,x\n", "line 2: GeneratedTokens \"x\""},
		"out of order": {"m.jsonl", `{"timestamp":5,"input_length":1,"output_length":1}` + "\n" + `{"timestamp":1,"input_length":1,"output_length":1}` + "\n", "line 2: rows must be in time order"},
		"bad user":     {"o.jsonl", `{"offset_ms":0,"prompt_tokens":1,"output_tokens":1,"user":"a b"}` + "\n", "user must be"},
		"unknown key":  {"o.jsonl", `{"offset_ms":0,"prompt_tokens":1,"output_tokens":1,"usr":"a"}` + "\n", "unknown field"},
		"missing col":  {"a.csv", "TIMESTAMP,ContextTokens\n", "missing GeneratedTokens"},
	} {
		_, err := OpenTrace(plan.Trace{File: write(t, c.file, c.text)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
