// busybench-engine runs a load plan (written by `busybench load`, see loadtests/README.md):
// open-model arrivals on schedule, every answer read whole, one results line per request,
// the SLA judged per step. Exit codes: 0 every line held, 99 an SLA line broke, 2 bad input,
// 1 the engine failed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"busybench/engine/internal/attack"
	"busybench/engine/internal/guard"
	"busybench/engine/internal/plan"
	"busybench/engine/internal/report"
	"busybench/engine/internal/results"
	"busybench/engine/internal/schedule"
	"busybench/engine/internal/ship"
	"busybench/engine/internal/sla"
)

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
	exitBreach = 99
)

func main() { os.Exit(run()) }

func usage(format string, a ...any) int {
	fmt.Fprintf(os.Stderr, "busybench-engine: "+format+"\n", a...)
	return exitUsage
}

func run() int {
	planPath := flag.String("plan", "", "the plan file (JSON) busybench load wrote")
	resultsPath := flag.String("results", "", "write one line per request here (.gz to compress)")
	summaryPath := flag.String("summary", "", "write the JSON summary here")
	segmentText := flag.String("segment", "0/1", "run segment i/n of the schedule (n engines together send it all)")
	runner := flag.String("runner", "", "this engine's name in the results (default host-pid)")
	shipTo := flag.String("ship", "", "send the results to this collector (busybench collect --receive) as the run goes, at least once")
	spool := flag.String("spool", "", "with --ship: where batches wait until the collector has them (default <tmp>/busybench-spool-<runner>)")
	shipTokenFile := flag.String("ship-token-file", "", "with --ship: the collector's bearer token, in a file (busybench collect --token-file)")
	shipFsync := flag.Bool("fsync", false, "with --ship: each batch on the disk in the spool before the run goes on (a power loss loses none)")
	shipWait := flag.Duration("ship-wait", 2*time.Minute, "with --ship: at the end, how long to keep trying to deliver what is left")
	resend := flag.Bool("resend", false, "with --ship, --runner and --spool: only deliver what that spool holds (an engine killed or cut off before), then exit")
	quiet := flag.Bool("quiet", false, "no progress lines")
	progressEvery := flag.Duration("progress", 2*time.Second, "progress line interval")
	traceInfo := flag.String("trace-info", "", "read a trace (the plan's trace object, as JSON) and print what the replay will be, as JSON; nothing is sent")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run here (go tool pprof reads it): where the engine's own time goes")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return usage("--cpuprofile: %v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return usage("--cpuprofile: %v", err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if *traceInfo != "" {
		return printTraceInfo(*traceInfo)
	}
	token := ""
	if *shipTokenFile != "" {
		if *shipTo == "" {
			return usage("--ship-token-file goes with --ship")
		}
		t, err := ship.ReadToken(*shipTokenFile)
		if err != nil {
			return usage("%v", err)
		}
		token = t
	}
	if *shipFsync && *shipTo == "" {
		return usage("--fsync goes with --ship")
	}
	if *resend {
		return resendSpool(*shipTo, *runner, *spool, token, *shipWait)
	}
	if *planPath == "" {
		return usage("--plan is required")
	}
	p, err := plan.Load(*planPath)
	if err != nil {
		return usage("%v", err)
	}
	seg, err := schedule.ParseSegment(*segmentText)
	if err != nil {
		return usage("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err = guard.Check(ctx, p.Target, p.AllowRemote, net.DefaultResolver)
	cancel()
	if err != nil {
		return usage("%v", err)
	}
	if *runner == "" {
		host, _ := os.Hostname()
		*runner = fmt.Sprintf("%s-%d", host, os.Getpid())
	}

	out, err := results.Create(*resultsPath)
	if err != nil {
		return usage("%v", err)
	}
	var shipper *ship.Shipper
	if *shipTo != "" {
		if *spool == "" {
			*spool = filepath.Join(os.TempDir(), "busybench-spool-"+*runner)
		}
		logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }
		shipper, err = ship.New(ship.Options{Collector: *shipTo, Runner: *runner, Spool: *spool, Token: token, Fsync: *shipFsync, Logf: logf})
		if err != nil {
			return usage("%v", err)
		}
		out.ShipTo(shipper)
	}
	eng, err := attack.New(p, seg, out)
	if err != nil {
		return usage("%v", err)
	}
	for _, l := range sla.CollectorLines(p.SLA) {
		fmt.Fprintf(os.Stderr, "busybench-engine: the SLA line %q is the collector's: it scrapes the strategy's queue, the engine sees its clients only\n", l)
	}
	scheduled := eng.Schedule().PerStep(seg)
	out.Append(func(b []byte) []byte {
		return append(b, report.RunLine(p, *runner, seg.String(), time.Now(), scheduled)...)
	})

	// Stop: no new arrivals (Ctrl-C, a breakpoint's breach). Abandon: cancel what is under way
	// (a second Ctrl-C, or the grace after a stop ran out).
	stop, stopNow := context.WithCancel(context.Background())
	abandon, abandonNow := context.WithCancel(context.Background())
	defer stopNow()
	defer abandonNow()
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	var interrupted, atBreach, atSaturation atomic.Bool
	finished := make(chan struct{})
	go func() {
		select {
		case <-signals:
			interrupted.Store(true)
			fmt.Fprintln(os.Stderr, "busybench-engine: stopping: no new requests; those under way finish (again to abandon them)")
			stopNow()
		case <-eng.Breach:
			atBreach.Store(true)
			stopNow()
		case <-eng.Saturated:
			atSaturation.Store(true)
			fmt.Fprintf(os.Stderr, "busybench-engine: stopping, the target is %s\n", eng.SaturatedWhy)
			stopNow()
		case <-finished:
			return
		}
		grace := time.NewTimer(min(eng.Timeout(), 10*time.Second))
		defer grace.Stop()
		select {
		case <-signals:
		case <-grace.C:
		case <-finished:
		}
		abandonNow()
	}()
	began := time.Now()
	ticker := time.NewTicker(*progressEvery)
	defer ticker.Stop()
	go func() {
		for {
			select {
			case <-ticker.C:
				if !*quiet {
					fmt.Fprintln(os.Stderr, report.Progress(time.Since(began), eng.Schedule().Duration(), eng.Run, eng.InFlight()))
				}
			case <-finished:
				return
			}
		}
	}()

	eng.Attack(stop, abandon)
	close(finished)
	if eng.Err != nil {
		fmt.Fprintf(os.Stderr, "busybench-engine: the arrivals ended early: %v\n", eng.Err)
	}
	breaches := eng.Run.Finish()
	sum := report.Build(p, seg.String(), eng.Run, breaches, time.Since(began))
	sum.Interrupted, sum.StoppedAtBreach = interrupted.Load(), atBreach.Load()
	if atSaturation.Load() {
		sum.StoppedSaturated = eng.SaturatedWhy
	}
	sum.TurnsShort = eng.TurnsShort()
	code := exitOK
	if !sum.Passed {
		code = exitBreach
	}
	out.Append(func(b []byte) []byte { return append(b, report.EndLine(sum, code)...) })
	if err := out.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "busybench-engine: writing results: %v\n", err)
		code = exitFailed
	}
	if shipper != nil {
		left, rejected, dir := shipper.Close(*shipWait)
		if left > 0 {
			fmt.Fprintf(os.Stderr, "busybench-engine: %d batches of results not delivered to %s within %s; they are in %s (busybench-engine --resend --ship %s --runner %s --spool %s%s sends them)\n",
				left, *shipTo, *shipWait, dir, *shipTo, *runner, dir, tokenHint(*shipTokenFile))
			code = exitFailed
		}
		if rejected > 0 {
			fmt.Fprintf(os.Stderr, "busybench-engine: the collector refused %d batches; they are in %s/rejected\n", rejected, dir)
			code = exitFailed
		}
	}
	if err := sum.Write(*summaryPath); err != nil {
		fmt.Fprintf(os.Stderr, "busybench-engine: writing the summary: %v\n", err)
		code = exitFailed
	}
	fmt.Print(sum.Text())
	if eng.Err != nil {
		code = exitFailed
	}
	return code
}

// printTraceInfo reads a trace as a run would replay it and prints what it found (the rows,
// the speed, the windows), so the plan's steps and the mock's configuration can be made from it.
func printTraceInfo(spec string) int {
	dec := json.NewDecoder(strings.NewReader(spec))
	dec.DisallowUnknownFields()
	var t plan.Trace
	if err := dec.Decode(&t); err != nil {
		return usage("--trace-info: %v", err)
	}
	tr, err := schedule.OpenTrace(t)
	if err != nil {
		return usage("%v", err)
	}
	out, _ := json.Marshal(tr.Info)
	fmt.Println(string(out))
	return exitOK
}

// resendSpool delivers what an earlier engine of the runner left in its spool, and nothing else.
func resendSpool(collector, runner, spool, token string, wait time.Duration) int {
	if collector == "" || runner == "" || spool == "" {
		return usage("--resend needs --ship, --runner and --spool (the ones the run had)")
	}
	if _, err := os.Stat(spool); err != nil {
		return usage("--spool %s: %v", spool, err)
	}
	logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }
	s, err := ship.New(ship.Options{Collector: collector, Runner: runner, Spool: spool, Token: token, Logf: logf, Resend: true})
	if err != nil {
		return usage("%v", err)
	}
	before := s.Pending()
	left, rejected, _ := s.Close(wait)
	if left > 0 || rejected > 0 {
		fmt.Fprintf(os.Stderr, "busybench-engine: of %d batches, %d still not delivered to %s and %d refused; they stay in %s\n",
			before, left, collector, rejected, spool)
		return exitFailed
	}
	fmt.Printf("busybench-engine: %d batches delivered to %s\n", before, collector)
	return exitOK
}

// tokenHint repeats the token file's flag in a resend hint (the path, never the token).
func tokenHint(path string) string {
	if path == "" {
		return ""
	}
	return " --ship-token-file " + path
}
