package proxy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"busybench/frame/internal/strategy"
)

// The frame under test in front of the given nodes; stopped with the test.
func startFrame(t *testing.T, s strategy.Strategy, o Options, nodes ...string) string {
	t.Helper()
	f, err := New(s, nodes, o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = f.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

func post(t *testing.T, url, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestForwardsTheRequestLessThisHopsHeadersAndTheTestControls(t *testing.T) {
	var seen *http.Request
	var seenBody string
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		b, _ := io.ReadAll(r.Body)
		seenBody = string(b)
		w.Header().Set("X-Node", "n1")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	res, body := post(t, url+"/v1/chat/completions?x=1", `{"model":"m"}`, map[string]string{
		"Authorization": "Bearer k", "Connection": "keep-alive, X-Secret", "X-Secret": "s",
		"X-Busybench-Error": "503", "X-Busybench-Fault": "cut", "X-Kept": "yes",
	})
	if res.StatusCode != 200 || body != `{"ok":true}` || res.Header.Get("X-Node") != "n1" {
		t.Fatalf("answer %d %q %v", res.StatusCode, body, res.Header)
	}
	if seen.URL.RequestURI() != "/v1/chat/completions?x=1" || seenBody != `{"model":"m"}` || seen.Method != "POST" {
		t.Fatalf("node saw %s %s %q", seen.Method, seen.URL.RequestURI(), seenBody)
	}
	if seen.Header.Get("Authorization") != "Bearer k" || seen.Header.Get("X-Kept") != "yes" {
		t.Fatalf("end-to-end headers lost: %v", seen.Header)
	}
	for _, h := range []string{"X-Secret", "X-Busybench-Error", "X-Busybench-Fault"} {
		if seen.Header.Get(h) != "" {
			t.Errorf("%s was forwarded: %v", h, seen.Header)
		}
	}
	if seen.Host != strings.TrimPrefix(node.URL, "http://") {
		t.Errorf("host %q, want the node's", seen.Host)
	}
}

func TestTheTestControlsGoOnWhenForwarded(t *testing.T) {
	var fault, admin atomic.Value
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fault.Store(r.Header.Get("X-Busybench-Error"))
		admin.Store(r.URL.Path)
	}))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{TestControls: true}, node.URL)
	post(t, url+"/admin/config", "{}", map[string]string{"X-Busybench-Error": "503"})
	if fault.Load() != "503" || admin.Load() != "/admin/config" {
		t.Fatalf("node saw fault %v, path %v", fault.Load(), admin.Load())
	}
}

func TestRefusesTheMocksAdminAPIHoweverSpelledAndTargetsThatAreNotPaths(t *testing.T) {
	var calls atomic.Int32
	node := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	for _, path := range []string{"/admin/config", "/%61dmin/config", "//ADMIN", "/./admin/faults", "/admin"} {
		res, body := post(t, url+path, "{}", nil)
		var e deepSeekError
		if res.StatusCode != 403 || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "admin_not_forwarded" {
			t.Errorf("%s: %d %s", path, res.StatusCode, body)
		}
	}
	// An absolute-form target, which no API client sends.
	c, _ := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	defer c.Close()
	fmt.Fprintf(c, "GET http://example.com/v1/models HTTP/1.1\r\nHost: example.com\r\n\r\n")
	line, _ := bufio.NewReader(c).ReadString('\n')
	if !strings.HasPrefix(line, "HTTP/1.1 400") {
		t.Errorf("absolute-form target: %q, want a 400", line)
	}
	if calls.Load() != 0 {
		t.Fatalf("the node was called %d times", calls.Load())
	}
}

func TestRefusesABodyOverTheLimitWithoutReadingIt(t *testing.T) {
	node := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	c, _ := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n{", BodyLimit+1)
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 413 || !strings.Contains(string(b), `"code":"body_too_large"`) {
		t.Fatalf("%d %s", res.StatusCode, b)
	}
}

func TestAnAnswerThatBrokeOffIsCutForTheClientToo(t *testing.T) {
	node := rawNode(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"partial\":")
	url := startFrame(t, strategy.Passthrough{}, Options{}, node)
	res, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	if err == nil || res.ContentLength != 100 || string(b) != `{"partial":` {
		t.Fatalf("read %q (length %d), err %v: want the node's bytes, its length, then a cut", b, res.ContentLength, err)
	}
}

func TestAStreamFlowsAndOneThatBrokeOffIsCut(t *testing.T) {
	release := make(chan struct{})
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: 1\n\n"))
		w.(http.Flusher).Flush()
		<-release
		if r.URL.Path == "/cut" {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close() // no last chunk: the stream broke off
			return
		}
		_, _ = w.Write([]byte("data: [DONE]\n\n"))
	}))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	for _, path := range []string{"/whole", "/cut"} {
		res, err := http.Post(url+path, "application/json", strings.NewReader(`{"stream":true}`))
		if err != nil {
			t.Fatal(err)
		}
		first := make([]byte, 9)
		if _, err := io.ReadFull(res.Body, first); err != nil || string(first) != "data: 1\n\n" {
			t.Fatalf("%s: first frame %q, %v: it must arrive before the stream ends", path, first, err)
		}
		release <- struct{}{}
		rest, err := io.ReadAll(res.Body)
		if path == "/whole" && (err != nil || string(rest) != "data: [DONE]\n\n") {
			t.Fatalf("whole stream: rest %q, %v", rest, err)
		}
		if path == "/cut" && err == nil {
			t.Fatalf("a stream that broke off upstream ended as if whole (rest %q)", rest)
		}
	}
}

func TestAClientThatHangsUpMidStreamStopsItUpstream(t *testing.T) {
	stopped := make(chan struct{})
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(w, "data: %d\n\n", i); err != nil {
				close(stopped)
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				close(stopped)
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	c, _ := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	fmt.Fprintf(c, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	_, _ = bufio.NewReader(c).ReadString('\n')
	_ = c.Close()
	select {
	case <-stopped:
	case <-time.After(3 * time.Second):
		t.Fatal("the node still streams 3 s after the client hung up")
	}
}

// slowNode answers one request after wait, unless the frame closes the attempt's connection
// first: it then closes calledOff.
func slowNode(calledOff chan struct{}, wait time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // read whole, so net/http watches the connection for a close
		select {
		case <-r.Context().Done():
			close(calledOff)
		case <-time.After(wait):
			w.WriteHeader(200)
		}
	}
}

func TestAClientThatHangsUpBeforeItsAnswerStopsTheAttemptAtTheNode(t *testing.T) {
	stopped := make(chan struct{})
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Slow") == "" {
			_, _ = w.Write([]byte(`{"ok":true}`))
			return
		}
		slowNode(stopped, 5*time.Second)(w, r)
	}))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\nContent-Length: 2\r\n\r\n{}")
	time.Sleep(100 * time.Millisecond)
	_ = c.Close()
	select {
	case <-stopped:
	case <-time.After(time.Second):
		t.Fatal("the node still works on the request 1 s after its client hung up")
	}
	calledOffCounted(t, url, "passthrough", node.URL)
}

func TestRetrySendsNoAttemptAfterItsClientHungUp(t *testing.T) {
	var calls atomic.Int32
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(503)
	}))
	defer node.Close()
	r := &strategy.Retry{Retries: 3, Base: time.Millisecond, Max: 5 * time.Second, Budget: strategy.NewBudget(0.5)}
	url := startFrame(t, r, Options{}, node.URL)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	if _, err := client.Post(url+"/v1/chat/completions", "application/json", strings.NewReader("{}")); err == nil {
		t.Fatal("the client was answered before its timeout")
	}
	time.Sleep(1500 * time.Millisecond) // past the 1-s Retry-After
	if n := calls.Load(); n != 1 {
		t.Fatalf("the node was called %d times, want once: no retry for a client that left", n)
	}
}

func TestMetricsCarryTheNodeFramesFamilies(t *testing.T) {
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(429) }))
	defer node.Close()
	url := startFrame(t, strategy.Passthrough{}, Options{}, node.URL)
	post(t, url+"/v1/chat/completions", "{}", nil)
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	text := string(b)
	for _, want := range []string{
		fmt.Sprintf(`busybench_strategy_upstream_attempts_total{status="429",strategy="passthrough",upstream=%q} 1`, node.URL),
		`busybench_strategy_responses_total{status="429",strategy="passthrough"} 1`,
		`busybench_strategy_in_flight{strategy="passthrough"} 0`,
		`busybench_strategy_queue_length{strategy="passthrough"} 0`,
		`busybench_strategy_frame_own_seconds_bucket{strategy="passthrough",le="+Inf"} 1`,
		`busybench_strategy_event_loop_delay_seconds_bucket{le="0.001",strategy="passthrough"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// rawNode answers every connection with the given bytes, then closes it.
func rawNode(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = bufio.NewReader(c).ReadString('\n')
				_, _ = c.Write([]byte(answer))
				time.Sleep(50 * time.Millisecond)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// A listener whose first accepts fail as they do when descriptors run out.
type failingListener struct {
	net.Listener
	fails int
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, &net.OpError{Op: "accept", Err: syscall.EMFILE}
	}
	return l.Listener.Accept()
}

func TestKeepsAcceptingAfterItRanOutOfDescriptors(t *testing.T) {
	node := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer node.Close()
	f, err := New(strategy.Passthrough{}, []string{node.URL}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() { _ = f.Serve(&failingListener{Listener: ln, fails: 3}) }()
	defer func() { _ = f.Shutdown(context.Background()) }()
	client := &http.Client{Timeout: 3 * time.Second}
	res, err := client.Post("http://"+ln.Addr().String()+"/v1/chat/completions", "application/json", strings.NewReader("{}"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after 3 failed accepts: %v %v", res, err)
	}
}

func TestAHedgeThatLostIsCalledOffAtTheNode(t *testing.T) {
	calledOff := make(chan struct{})
	slow := httptest.NewServer(slowNode(calledOff, 3*time.Second))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer fast.Close()
	// The first request's turn is the second node: the slow one gets the first attempt.
	url := startFrame(t, &strategy.Hedge{Delay: 20 * time.Millisecond, MaxHedges: 1}, Options{}, fast.URL, slow.URL)
	res, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != 200 || string(body) != `{"ok":true}` {
		t.Fatalf("%d %q: want the fast node's answer", res.StatusCode, body)
	}
	select {
	case <-calledOff:
	case <-time.After(time.Second):
		t.Fatal("the slow node's attempt still runs 1 s after the hedge won")
	}
	calledOffCounted(t, url, "hedge", slow.URL)
}

// calledOffCounted waits for the frame to count the attempt it called off at the node as 499
// (the node saw the close before the attempt returned with it), then checks that the slot's
// closed connection is not taken up again: the next requests are answered.
func calledOffCounted(t *testing.T, url, name, node string) {
	t.Helper()
	want := fmt.Sprintf(`busybench_strategy_upstream_attempts_total{status="499",strategy=%q,upstream=%q} 1`, name, node)
	var text string
	for deadline := time.Now().Add(time.Second); !strings.Contains(text, want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("metrics do not count the called-off attempt as 499:\n%s", text)
		}
		m, err := http.Get(url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(m.Body)
		_ = m.Body.Close()
		text = string(raw)
	}
	for range 5 {
		if res, body := post(t, url+"/v1/chat/completions", "{}", nil); res.StatusCode != 200 {
			t.Fatalf("after a call-off: %d %s", res.StatusCode, body)
		}
	}
}

func TestAttemptsKeepTheirConnectionsAlive(t *testing.T) {
	for _, s := range []strategy.Strategy{strategy.Passthrough{}, &strategy.Hedge{Delay: time.Second, MaxHedges: 1}} {
		t.Run(s.Name(), func(t *testing.T) { attemptsKeepTheirConnectionsAlive(t, s) })
	}
}

func attemptsKeepTheirConnectionsAlive(t *testing.T, s strategy.Strategy) {
	var dialed atomic.Int64
	node := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	node.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialed.Add(1)
		}
	}
	node.Start()
	defer node.Close()
	url := startFrame(t, s, Options{}, node.URL)
	for range 20 {
		if res, body := post(t, url+"/v1/chat/completions", `{"n":1}`, nil); res.StatusCode != 200 || body != `{"ok":true}` {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
	}
	// A dial and a close an attempt cost hedge twice the other strategies' CPU a request, before
	// its attempts took kept-alive slots; every attempt takes one now.
	if n := dialed.Load(); n != 1 {
		t.Fatalf("20 attempts one after another dialed the node %d times, want 1 (kept alive)", n)
	}
}
