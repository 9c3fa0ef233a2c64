package schedule

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/tokens"
	"busybench/engine/internal/trace"
)

// Window is one time window of a trace's replay: a step.
type Window struct {
	Index      int     `json:"index"`
	StartMs    float64 `json:"startMs"`
	EndMs      float64 `json:"endMs"`
	TargetRate float64 `json:"targetRate"`
	Arrivals   uint64  `json:"arrivals"`
}

// TraceInfo is what a first read of the trace found: what `busybench load` builds the plan's
// steps and the mock's configuration from, and what the report says of the rows.
type TraceInfo struct {
	Format        string   `json:"format"`
	Rows          int      `json:"rows"`
	Selected      int      `json:"selected"`
	SkippedFailed int      `json:"skippedFailed"`
	BelowMinimum  int      `json:"belowMinimum"`
	MinPrompt     int      `json:"minPrompt"`
	MaxPrompt     int      `json:"maxPrompt"`
	MaxOutput     int      `json:"maxOutput"`
	PromptTokens  int64    `json:"promptTokens"`
	OutputTokens  int64    `json:"outputTokens"`
	SpanMs        float64  `json:"spanMs"`
	Speed         float64  `json:"speed"`
	MeanRate      float64  `json:"meanRate"`
	Loops         int      `json:"loops"`
	DurationMs    float64  `json:"durationMs"`
	Windows       []Window `json:"windows"`
}

// Trace replays a trace: an open model whose arrivals are the trace's rows at their scaled
// offsets, never waiting for answers. Arrival k is row j of loop l, k = l·selected + j, so
// segments stripe a trace as they stripe a schedule.
type Trace struct {
	spec    plan.Trace
	Info    TraceInfo
	offsets []float64 // the selected rows' offsets from the stretch's start, ms of trace time
	window  float64   // ms of run time
	windows int
}

var _ Source = (*Trace)(nil)

// OpenTrace reads the trace once, whole (its rows' offsets are kept, nothing else): every row
// is checked, the stretch selected, the speed and the windows set.
func OpenTrace(spec plan.Trace) (*Trace, error) {
	r, err := trace.Open(spec.File, spec.Format)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t := &Trace{spec: spec}
	t.spec.Format = r.Format
	info := &t.Info
	info.Format = r.Format
	info.MinPrompt = tokens.MinPrompt
	last := math.Inf(-1)
	end := math.Inf(1)
	if spec.DurationMs > 0 {
		end = spec.StartMs + spec.DurationMs
	}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		info.Rows++
		if row.OffsetMs < last {
			return nil, fmt.Errorf("%s line %d: rows must be in time order; this one is %.3f ms before the row above",
				spec.File, row.Line, last-row.OffsetMs)
		}
		last = row.OffsetMs
		if row.OffsetMs < spec.StartMs || row.OffsetMs >= end {
			continue
		}
		t.offsets = append(t.offsets, row.OffsetMs-spec.StartMs)
		if row.Prompt < tokens.MinPrompt {
			info.BelowMinimum++
		}
		info.MaxPrompt = max(info.MaxPrompt, row.Prompt)
		info.MaxOutput = max(info.MaxOutput, row.Output)
		info.PromptTokens += int64(max(row.Prompt, tokens.MinPrompt))
		info.OutputTokens += int64(row.Output)
	}
	info.SkippedFailed = r.SkippedFailed
	info.Selected = len(t.offsets)
	if info.Selected == 0 {
		return nil, fmt.Errorf("%s: no row in the stretch asked (%d rows read)", spec.File, info.Rows)
	}
	// The stretch's span: as asked, or to its last row plus one mean gap, so a loop's first
	// row does not land on the last row of the loop before.
	n := float64(info.Selected)
	lastOffset := t.offsets[len(t.offsets)-1]
	info.SpanMs = spec.DurationMs
	if info.SpanMs <= 0 {
		gap := 1000.0
		if n > 1 && lastOffset > 0 {
			gap = lastOffset / (n - 1)
		}
		info.SpanMs = lastOffset + gap
	}
	info.Speed = 1
	if spec.Speed > 0 {
		info.Speed = spec.Speed
	}
	if spec.MeanRate > 0 {
		info.Speed = spec.MeanRate / (n / (info.SpanMs / 1000))
	}
	info.Loops = max(1, spec.Loops)
	info.DurationMs = float64(info.Loops) * info.SpanMs / info.Speed
	info.MeanRate = n * float64(info.Loops) / (info.DurationMs / 1000)
	windows := spec.Windows
	if spec.WindowMs > 0 {
		windows = int(math.Ceil(info.DurationMs/spec.WindowMs - 1e-9))
	}
	if windows <= 0 {
		windows = 10
	}
	t.window = info.DurationMs / float64(windows)
	if spec.WindowMs > 0 {
		t.window = spec.WindowMs
	}
	t.windows = windows
	counts := t.PerStep(Whole)
	for w := 0; w < windows; w++ {
		from, to := float64(w)*t.window, min(float64(w+1)*t.window, info.DurationMs)
		rate := 0.0
		if to > from {
			// To a tenth: the rate is a label in every table, line and series that shows the step.
			rate = math.Round(float64(counts[w])/((to-from)/1000)*10) / 10
		}
		info.Windows = append(info.Windows, Window{Index: w, StartMs: from, EndMs: to, TargetRate: rate, Arrivals: counts[w]})
	}
	return t, nil
}

// Duration is the replay's length.
func (t *Trace) Duration() time.Duration { return msDuration(t.Info.DurationMs) }

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// dueMs is when row j of loop l is due, ms from the run's start.
func (t *Trace) dueMs(l, j int) float64 {
	return (t.offsets[j] + float64(l)*t.Info.SpanMs) / t.Info.Speed
}

// stepOf is the window a due time falls in (the very end belongs to the last).
func (t *Trace) stepOf(dueMs float64) int { return min(int(dueMs/t.window), t.windows-1) }

// PerStep counts a segment's arrivals per window.
func (t *Trace) PerStep(seg Segment) map[int]uint64 {
	counts := map[int]uint64{}
	n := len(t.offsets)
	for l := 0; l < t.Info.Loops; l++ {
		for j := 0; j < n; j++ {
			if seg.Owns(uint64(l*n + j)) {
				counts[t.stepOf(t.dueMs(l, j))]++
			}
		}
	}
	return counts
}

// Iter walks a segment's arrivals, reading the trace again as it goes (one row at a time).
func (t *Trace) Iter(seg Segment) Walker { return &traceWalker{t: t, seg: seg} }

type traceWalker struct {
	t    *Trace
	seg  Segment
	r    *trace.Reader
	loop int
	j    int // the next selected row's position in the stretch
	err  error
}

func (w *traceWalker) Err() error { return w.err }

func (w *traceWalker) Next() (Hit, bool) {
	t := w.t
	end := math.Inf(1)
	if t.spec.DurationMs > 0 {
		end = t.spec.StartMs + t.spec.DurationMs
	}
	for w.loop < t.Info.Loops {
		if w.r == nil {
			if w.r, w.err = trace.Open(t.spec.File, t.spec.Format); w.err != nil {
				return Hit{}, false
			}
			w.j = 0
		}
		row, err := w.r.Next()
		if errors.Is(err, io.EOF) || (err == nil && row.OffsetMs >= end) || w.j >= len(t.offsets) {
			w.r.Close()
			w.r = nil
			w.loop++
			continue
		}
		if err != nil {
			w.err = err
			w.r.Close()
			w.r = nil
			return Hit{}, false
		}
		if row.OffsetMs < t.spec.StartMs {
			continue
		}
		j := w.j
		w.j++
		k := uint64(w.loop*len(t.offsets) + j)
		if !w.seg.Owns(k) {
			continue
		}
		due := t.dueMs(w.loop, j)
		step := t.stepOf(due)
		row.OffsetMs -= t.spec.StartMs
		return Hit{Index: k, Due: msDuration(due), Step: step, TargetRate: t.Info.Windows[step].TargetRate, Row: &row}, true
	}
	return Hit{}, false
}
