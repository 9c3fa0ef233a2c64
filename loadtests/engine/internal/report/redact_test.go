package report

import (
	"strings"
	"testing"
	"time"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/sla"
)

func TestTargetsAreWrittenWithoutTheirPassword(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:s3cret@127.0.0.1:8000": "http://user:%2A%2A%2A@127.0.0.1:8000",
		"http://127.0.0.1:8000":             "http://127.0.0.1:8000",
		"http://only-user@127.0.0.1:8000":   "http://only-user@127.0.0.1:8000",
	} {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", in, got, want)
		}
	}
	p := &plan.Plan{Target: "http://user:s3cret@127.0.0.1:8000"}
	if line := string(RunLine(p, "r", "0/1", time.Now(), nil)); strings.Contains(line, "s3cret") {
		t.Errorf("the run line carries the password: %s", line)
	}
	if s := Build(p, "0/1", sla.NewRun(p.SLA, nil, nil), nil, 0); strings.Contains(s.Target, "s3cret") {
		t.Errorf("the summary carries the password: %s", s.Target)
	}
}
