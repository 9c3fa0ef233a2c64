// Package ship sends the results lines to a collector over HTTP while the run goes on
// (`busybench collect --receive`), at least once: every batch the results writer flushes gets
// the next sequence number and is written to a local spool before it is sent; it leaves the
// spool only when the collector has acknowledged it. Failed sends are retried, in order, with
// exponential backoff and full jitter. The collector drops a batch it already holds by
// (runner, sequence), so a resend after a lost acknowledgement counts once.
package ship

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Backoff bounds between attempts at one batch: short enough that a restarted collector is
// caught up within seconds, long enough that a dead one is not hammered.
const (
	FirstBackoff = 100 * time.Millisecond
	MaxBackoff   = 5 * time.Second
)

// Path is where the collector takes batches.
const Path = "/api/results"

// Shipper owns the spool and the one goroutine that sends from it.
type Shipper struct {
	endpoint string
	runner   string
	spool    string
	token    string // the collector's bearer token ("" when it takes posts without one)
	fsync    bool   // each batch on the disk before Put returns (--fsync)
	client   *http.Client
	logf     func(format string, a ...any)

	mu       sync.Mutex
	next     uint64   // the next batch's sequence number
	pending  []uint64 // spooled, not yet acknowledged, in order
	failing  bool     // the last attempt failed (so a recovery is said once)
	sent     uint64   // batches acknowledged
	rejected int      // batches the collector refused for good (set aside in rejected/)
	wake     chan struct{}
	closed   chan struct{}
	done     chan struct{}
}

// Options of a shipper; Runner names this engine to the collector (its dedupe key).
type Options struct {
	Collector string // the collector's base URL
	Runner    string
	Spool     string // directory; created when missing
	Token     string // sent as Authorization: Bearer (ReadToken), when the collector has one
	// Fsync: each batch (and the spool's next number) is on the disk before Put returns, so a
	// power loss loses no batch the results writer handed over (--fsync).
	Fsync bool
	Logf  func(format string, a ...any)
	// Resend: the spool's batches are an earlier engine's, to deliver (busybench-engine --resend).
	// Without it a spool holding batches is refused: they belong to another run.
	Resend bool
}

// New checks the options, makes the spool and starts sending. With Resend, the batches already in
// the spool (an earlier engine of the same runner that was killed or cut off) are sent, under
// their own numbers; without it, such a spool is refused.
func New(o Options) (*Shipper, error) {
	u, err := url.Parse(o.Collector)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ship: %q is not an http(s) URL of a collector", o.Collector)
	}
	if !ValidRunner(o.Runner) {
		return nil, fmt.Errorf("ship: runner name %q: use 1-128 of A-Z a-z 0-9 . _ - (starting with a letter or digit)", o.Runner)
	}
	if err := privateDir(o.Spool); err != nil {
		return nil, fmt.Errorf("ship: spool: %w", err)
	}
	left, err := spooled(o.Spool)
	if err != nil {
		return nil, fmt.Errorf("ship: spool: %w", err)
	}
	if len(left) > 0 && !o.Resend {
		return nil, fmt.Errorf("ship: the spool %s holds %d batches of an earlier run; deliver them first "+
			"(busybench-engine --resend --ship URL --runner %s --spool %s) or remove the directory", o.Spool, len(left), o.Runner, o.Spool)
	}
	s := &Shipper{
		endpoint: strings.TrimRight(o.Collector, "/") + Path,
		runner:   o.Runner,
		spool:    o.Spool,
		token:    o.Token,
		fsync:    o.Fsync,
		// The collector writes a batch down before it answers: seconds at most, even loaded.
		client:  &http.Client{Timeout: 30 * time.Second},
		logf:    o.Logf,
		pending: left,
		wake:    make(chan struct{}, 1),
		closed:  make(chan struct{}),
		done:    make(chan struct{}),
	}
	// Numbers are never reused by a runner: the collector would drop a new batch under a number
	// it already holds. Within a spool they continue; a fresh spool starts from the clock (ms ×
	// 1000), above every number an earlier spool of the same runner can have reached.
	s.next = highWater(o.Spool)
	if s.next == 0 {
		s.next = uint64(time.Now().UnixMilli()) * 1000
	}
	if n := len(left); n > 0 {
		s.next = max(s.next, left[n-1]+1)
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	go s.loop()
	return s, nil
}

// ValidRunner: the runner's name becomes a file name at the collector, so it is kept plain.
func ValidRunner(name string) bool {
	if len(name) == 0 || len(name) > 128 {
		return false
	}
	for i, c := range name {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || (c != '.' && c != '_' && c != '-')) {
			return false
		}
	}
	return true
}

func (s *Shipper) file(seq uint64) string {
	return filepath.Join(s.spool, fmt.Sprintf("%016d.ndjson", seq))
}

// Put spools one batch (complete lines) and queues it. It is called from the results writer's
// flush, off the requests' path; the batch is on disk when Put returns, so the writer may reuse it.
func (s *Shipper) Put(batch []byte) error {
	s.mu.Lock()
	seq := s.next
	s.next++
	s.mu.Unlock()
	if err := s.write(filepath.Join(s.spool, nextFile), []byte(strconv.FormatUint(seq+1, 10))); err != nil {
		return fmt.Errorf("ship: spool: %w", err)
	}
	// Written under a temporary name and renamed: a kill mid-write leaves no half batch to send.
	tmp := s.file(seq) + ".tmp"
	if err := s.write(tmp, batch); err != nil {
		return fmt.Errorf("ship: spool: %w", err)
	}
	if err := os.Rename(tmp, s.file(seq)); err != nil {
		return fmt.Errorf("ship: spool: %w", err)
	}
	if s.fsync {
		// The rename itself, and the next number's file, are entries of the directory.
		if err := syncDir(s.spool); err != nil {
			return fmt.Errorf("ship: spool: %w", err)
		}
	}
	s.mu.Lock()
	s.pending = append(s.pending, seq)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// write writes a spool file (0600), synced to the disk before it is closed with Fsync.
func (s *Shipper) write(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && s.fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir puts a directory's entries (a rename, a new file) on the disk.
func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Pending is how many batches wait for the collector's acknowledgement.
func (s *Shipper) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Close stops taking batches and waits up to `wait` for the spool to drain. It returns how many
// batches are left undelivered and how many the collector refused (both kept in the spool, which
// is removed when it holds nothing).
func (s *Shipper) Close(wait time.Duration) (left, rejected int, spool string) {
	close(s.closed)
	select {
	case <-s.done:
	case <-time.After(wait):
	}
	left = s.Pending()
	s.mu.Lock()
	rejected = s.rejected
	s.mu.Unlock()
	if left == 0 && rejected == 0 {
		_ = os.RemoveAll(s.spool)
	}
	return left, rejected, s.spool
}

func (s *Shipper) loop() {
	defer close(s.done)
	backoff := FirstBackoff
	for {
		s.mu.Lock()
		var seq uint64
		have := len(s.pending) > 0
		if have {
			seq = s.pending[0]
		}
		s.mu.Unlock()
		if !have {
			select {
			case <-s.wake:
				continue
			case <-s.closed:
				// Put is no longer called after Close: one last look, then done.
				if s.Pending() == 0 {
					return
				}
				continue
			}
		}
		err := s.send(seq)
		var refused *refusal
		if errors.As(err, &refused) {
			// The collector will never take this batch (it said why): set it aside, go on with
			// the rest. It shows as missing in the report; the engine says so at the end.
			_ = os.MkdirAll(filepath.Join(s.spool, rejectedDir), 0o700)
			_ = os.Rename(s.file(seq), filepath.Join(s.spool, rejectedDir, filepath.Base(s.file(seq))))
			s.mu.Lock()
			s.pending = s.pending[1:]
			s.rejected++
			s.mu.Unlock()
			s.logf("busybench-engine: the collector refused batch %d (%v); kept in %s", seq, err, filepath.Join(s.spool, rejectedDir))
			continue
		}
		if err == nil {
			_ = os.Remove(s.file(seq))
			s.mu.Lock()
			s.pending = s.pending[1:]
			s.sent++
			recovered := s.failing
			s.failing = false
			s.mu.Unlock()
			if recovered {
				s.logf("busybench-engine: the collector takes results again (batch %d delivered)", seq)
			}
			backoff = FirstBackoff
			continue
		}
		s.mu.Lock()
		first := !s.failing
		s.failing = true
		s.mu.Unlock()
		if first {
			s.logf("busybench-engine: results not delivered (%v); kept in %s, retrying", err, s.spool)
		}
		// Full jitter: runners that lost the same collector do not come back in step.
		time.Sleep(time.Duration(rand.Int64N(int64(backoff)) + 1))
		backoff = min(backoff*2, MaxBackoff)
	}
}

// send posts one batch, gzip-compressed (a fifth of the bytes for these lines, at a cost the
// engine measures in bench: see loadtests/README.md).
func (s *Shipper) send(seq uint64) error {
	raw, err := os.ReadFile(s.file(seq))
	if err != nil {
		return err
	}
	var body bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&body, gzip.BestSpeed)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, &body)
	if err != nil {
		return err
	}
	req.Header.Set("content-type", "application/x-ndjson")
	req.Header.Set("content-encoding", "gzip")
	req.Header.Set("x-busybench-runner", s.runner)
	req.Header.Set("x-busybench-seq", strconv.FormatUint(seq, 10))
	if s.token != "" {
		req.Header.Set("authorization", "Bearer "+s.token)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode/100 != 2 {
		err := fmt.Errorf("the collector answered %d: %s", res.StatusCode, bytes.TrimSpace(msg))
		// A 4xx other than a timeout or "too many" says this batch will never be taken; a 409
		// (a collector not receiving) may be restarted with --receive, a 401 (the token) given
		// the right one: worth retrying, the batch kept.
		switch res.StatusCode {
		case 401, 408, 409, 429:
			return err
		}
		if res.StatusCode/100 == 4 {
			return &refusal{err}
		}
		return err
	}
	return nil
}

// refusal is the collector's final no to one batch.
type refusal struct{ error }

// rejectedDir holds, in the spool, the batches the collector refused.
const rejectedDir = "rejected"

// nextFile keeps the spool's next sequence number.
const nextFile = "next"

func highWater(dir string) uint64 {
	raw, err := os.ReadFile(filepath.Join(dir, nextFile))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	return n
}

// spooled lists the batches a spool holds, in order (leftover .tmp files are half-written: gone).
func spooled(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var seqs []uint64
	for _, e := range entries {
		name := e.Name()
		if name == nextFile || name == rejectedDir {
			continue
		}
		if strings.HasSuffix(name, ".tmp") {
			_ = os.Remove(filepath.Join(dir, name))
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(name, ".ndjson"), 10, 64)
		if err != nil || !strings.HasSuffix(name, ".ndjson") {
			return nil, errors.New(dir + " holds " + name + ", which is not a spooled batch: use an empty directory")
		}
		seqs = append(seqs, n)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	return seqs, nil
}

// privateDir makes the spool this user's alone: created 0700, or, when it exists, a real
// directory (not a symlink) owned by this user, its mode narrowed to 0700. Its default path in
// the temporary directory is a predictable name, so a directory someone else made there first,
// or a link they planted, is refused rather than written into: the batches hold the run's results.
func privateDir(path string) error {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return err
	}
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if info.Mode()&os.ModeSymlink != 0 || !info.IsDir() {
		return fmt.Errorf("%s is a link or not a directory: choose another --spool", path)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s belongs to another user (uid %d): choose another --spool", path, st.Uid)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return os.Chmod(path, 0o700)
	}
	return nil
}
