package config

import (
	"strings"
	"testing"

	"busybench/frame/internal/strategy"
)

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	_, problems := Parse([]string{
		"--strategy", "retry", "--upstreams", "http://127.0.0.1:8000,ftp://x,http://h:1/v1",
		"--port", "70000", "--option", "retries=99", "--option", "nope=1", "--option", "bad",
	})
	want := []string{"--port 70000", `"ftp://x"`, `"http://h:1/v1"`, `retries="99"`, `no option "nope"`, `--option "bad"`}
	all := strings.Join(problems, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("problems do not mention %s:\n%s", w, all)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(problems), len(want), all)
	}
}

func TestParseRefusesAStrategyTheGoFrameDoesNotRun(t *testing.T) {
	_, problems := Parse([]string{"--strategy", "breaker", "--upstreams", "http://127.0.0.1:8000"})
	if len(problems) != 1 || !strings.Contains(problems[0], "the Go frame runs passthrough, retry") {
		t.Fatalf("problems %q", problems)
	}
}

func TestParseReadsRetryOptionsWithTheNodeFramesDefaults(t *testing.T) {
	c, problems := Parse([]string{"--strategy", "retry", "--upstreams", "http://127.0.0.1:8000/", "--option", "baseMs=50"})
	if problems != nil {
		t.Fatal(problems)
	}
	r := c.Strategy.(*strategy.Retry)
	if r.Retries != 3 || r.Base.Milliseconds() != 50 || r.Max.Milliseconds() != 5000 || r.Budget.Tokens() != 10 {
		t.Fatalf("retry %+v", r)
	}
	if c.Upstreams[0] != "http://127.0.0.1:8000" || c.Host != "127.0.0.1" || c.Port != 0 {
		t.Fatalf("config %+v", c)
	}
}
