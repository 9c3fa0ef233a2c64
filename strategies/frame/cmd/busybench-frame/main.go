// busybench-frame: the Go frame (strategies/frame), one reference strategy as an HTTP proxy in
// front of the nodes. `busybench strategy <name> -o frame=go` starts it; it can run alone too.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"busybench/frame/internal/config"
	"busybench/frame/internal/proxy"
	"busybench/frame/internal/strategy"
)

// Error codes (the component's one table: strategies/README.md, "Go frame").
const (
	errBadOptions = "FRAME_ERR_BAD_OPTIONS" // exit 2
	errListen     = "FRAME_ERR_LISTEN"      // exit 1
	errStart      = "FRAME_ERR_START"       // exit 1: a strategy's own part (cache's Redis) could not start
)

// drainFor is how long answers under way may finish after SIGTERM (the Node frame's 3 s), so
// the process is gone well within an orchestrator's 10-30 s.
const drainFor = 3 * time.Second

func main() {
	c, problems := config.Parse(os.Args[1:])
	if problems != nil {
		fmt.Fprintf(os.Stderr, "busybench-frame: %s: %s\n", errBadOptions, strings.Join(problems, "; "))
		os.Exit(2)
	}
	f, err := proxy.New(c.Strategy, c.Upstreams, proxy.Options{TestControls: c.TestControls})
	if err != nil {
		fmt.Fprintf(os.Stderr, "busybench-frame: %s: %v\n", errBadOptions, err)
		os.Exit(2)
	}
	// A strategy's own parts (cache's Redis connection) start before the frame listens.
	starter, _ := c.Strategy.(strategy.Starter)
	if starter != nil {
		if err := starter.Start(); err != nil {
			fmt.Fprintf(os.Stderr, "busybench-frame: %s: %s: %v\n", errStart, c.Strategy.Name(), err)
			os.Exit(1)
		}
	}
	// A trace's bursts open hundreds of connections at once: the listen backlog is the kernel's
	// somaxconn (4 096 on Debian 12), as the Node frame asks for.
	ln, err := net.Listen("tcp", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "busybench-frame: %s: %v\n", errListen, err)
		os.Exit(1)
	}
	fmt.Printf("busybench-frame %s listening on http://%s → %s\n", c.Strategy.Name(), ln.Addr(), strings.Join(c.Upstreams, ", "))
	// BUSYBENCH_FRAME_CPU_PROFILE=<file>: a CPU profile of the whole run, written at SIGTERM
	// (`go tool pprof`): where the frame's time goes, measured rather than guessed.
	var profile *os.File
	if path := os.Getenv("BUSYBENCH_FRAME_CPU_PROFILE"); path != "" {
		if profile, err = os.Create(path); err == nil {
			err = pprof.StartCPUProfile(profile)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "busybench-frame: %s: cpu profile: %v\n", errBadOptions, err)
			os.Exit(2)
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), drainFor)
		defer cancel()
		_ = f.Shutdown(ctx)
		if starter != nil {
			starter.Close()
		}
		if profile != nil {
			pprof.StopCPUProfile()
			_ = profile.Close()
		}
		os.Exit(0)
	}()
	if err := f.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "busybench-frame: %s: %v\n", errListen, err)
		os.Exit(1)
	}
	select {} // Serve returned for the shutdown: the signal's goroutine exits
}
