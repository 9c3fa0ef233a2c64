// Package report is the end of a run: the JSON summary, the terminal table, and the results
// file's last line.
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/sla"
)

// Summary is the JSON summary (`--summary`).
type Summary struct {
	Engine            string            `json:"engine"`
	Profile           string            `json:"profile"`
	Target            string            `json:"target"`
	Segment           string            `json:"segment"`
	SLA               plan.SLA          `json:"sla"`
	DurationMs        float64           `json:"durationMs"`
	Requests          uint64            `json:"requests"`
	Attempts          uint64            `json:"attempts"`
	DroppedIterations uint64            `json:"droppedIterations"`
	Late              uint64            `json:"late"`
	SuccessRate       *float64          `json:"successRate"`
	Errors            map[string]uint64 `json:"errors"`
	Steps             []sla.Figures     `json:"steps"`
	Breaches          []string          `json:"breaches"`
	// JudgedByCollector: the SLA's lines the engine does not judge (the strategy's queue); the
	// collector scraping the strategy does. Absent when the SLA has none.
	JudgedByCollector []string `json:"judgedByCollector,omitempty"`
	Passed            bool     `json:"passed"`
	Interrupted       bool     `json:"interrupted"`
	StoppedAtBreach   bool     `json:"stoppedAtBreach"`
	// StoppedSaturated: why the arrivals ended early (--stop-when-saturated); absent when they did not.
	StoppedSaturated string `json:"stoppedSaturated,omitempty"`
	// TurnsShort: a session run's turns sent while an earlier turn of their conversation had
	// no answer (absent in other runs).
	TurnsShort *uint64 `json:"turnsShort,omitempty"`
}

// Build gathers the summary from the steps and the breaches.
func Build(p *plan.Plan, segment string, run *sla.Run, breaches []sla.Line, took time.Duration) Summary {
	s := Summary{Engine: "busybench-engine", Profile: p.Profile.Name, Target: Redacted(p.Target), Segment: segment, SLA: p.SLA,
		DurationMs: float64(took.Microseconds()) / 1000, Errors: map[string]uint64{}, Breaches: []string{}}
	ok := 0.0
	for _, st := range run.Steps {
		f := st.Figures()
		s.Steps = append(s.Steps, f)
		s.Requests += f.Requests
		s.Attempts += f.Attempts
		s.DroppedIterations += f.Dropped
		s.Late += f.Late
		for c, n := range f.Errors {
			s.Errors[c] += n
		}
		if f.SuccessRate != nil {
			ok += *f.SuccessRate * float64(f.Requests)
		}
	}
	if s.Requests > 0 {
		rate := ok / float64(s.Requests)
		s.SuccessRate = &rate
	}
	for _, b := range breaches {
		s.Breaches = append(s.Breaches, b.String())
	}
	s.Passed = len(breaches) == 0
	s.JudgedByCollector = sla.CollectorLines(p.SLA)
	return s
}

// Write saves the summary as indented JSON.
func (s Summary) Write(path string) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

func fmtMs(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

func percent(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", *v*100)
}

// Text is the terminal table: a row per step, then the verdict naming every broken line.
func (s Summary) Text() string {
	var b strings.Builder
	var errs []string
	for c, n := range s.Errors {
		errs = append(errs, fmt.Sprintf("%s: %d", c, n))
	}
	sort.Strings(errs)
	fmt.Fprintf(&b, "\nbusybench %s: %d requests", s.Profile, s.Requests)
	if s.Attempts > s.Requests {
		fmt.Fprintf(&b, " (%d attempts with retries)", s.Attempts)
	}
	fmt.Fprintf(&b, ", %d dropped, %d late", s.DroppedIterations, s.Late)
	if len(errs) > 0 {
		fmt.Fprintf(&b, ", errors %s", strings.Join(errs, ", "))
	}
	if s.TurnsShort != nil && *s.TurnsShort > 0 {
		fmt.Fprintf(&b, "\n  %d turns went without an earlier exchange of their conversation (its answer was not back, or failed): the turn gap is shorter than the latency", *s.TurnsShort)
	}
	b.WriteString("\n  step   target  achieved  requests   success   p50 ms   p99 ms  ttft p95  late p99\n")
	for _, f := range s.Steps {
		success := percent(f.SuccessRate)
		fmt.Fprintf(&b, "  %4d  %7s  %8.1f  %8d  %8s  %7s  %7s  %8s  %8.1f\n", f.Step,
			strconv.FormatFloat(f.TargetRate, 'f', -1, 64), f.AchievedRate, f.Requests, success,
			fmtMs(f.P50Ms), fmtMs(f.P99Ms), fmtMs(f.TTFTP95Ms), f.LateP99Ms)
		// The step's priority classes under it, most urgent first.
		for _, c := range plan.PriorityClasses {
			cf, ok := f.Classes[c]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "  %4s  %7s  %8s  %8d  %8s  %7s  %7s  %8s\n", c, "", "", cf.Requests, percent(cf.SuccessRate),
				fmtMs(cf.P50Ms), fmtMs(cf.P99Ms), fmtMs(cf.TTFTP95Ms))
		}
	}
	switch {
	case s.Passed && s.Interrupted:
		b.WriteString("SLA: every line held in what ran (interrupted)\n")
	case s.Passed:
		b.WriteString("SLA: every line held\n")
		if s.StoppedSaturated != "" {
			fmt.Fprintf(&b, "stopped early, the target %s\n", s.StoppedSaturated)
		}
	default:
		b.WriteString("SLA BREACHED:\n")
		for _, l := range s.Breaches {
			fmt.Fprintf(&b, "  - %s\n", l)
		}
		if s.StoppedAtBreach {
			b.WriteString("(breakpoint: stopped at the first broken step)\n")
		}
		if s.StoppedSaturated != "" {
			fmt.Fprintf(&b, "stopped early, the target %s\n", s.StoppedSaturated)
		}
	}
	for _, l := range s.JudgedByCollector {
		fmt.Fprintf(&b, "not judged here: %s (the strategy's queue; the collector judges it)\n", l)
	}
	return b.String()
}
