// Package results writes one line per request as the run goes (the format is documented in
// loadtests/README.md), flushed to the file (and handed to a shipper, when results go to a
// collector over HTTP) at a fixed interval, so a kill -9 of the engine loses at most that
// interval and the collector keeps up.
package results

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// FlushEvery is how much a kill -9 can lose at most.
const FlushEvery = 250 * time.Millisecond

// Writer collects lines from many goroutines and writes them in batches.
type Writer struct {
	mu   sync.Mutex
	buf  []byte
	file *os.File
	gz   *gzip.Writer
	out  io.Writer
	sink Sink
	stop chan struct{}
	done chan struct{}
	// Kept apart: a spool that fails (a full disk) must not end the local file, nor the reverse.
	err     error // the file's first error
	shipErr error // the sink's first error
}

// Sink takes each flushed batch of whole lines (the shipper); it must be done with the bytes
// when Put returns.
type Sink interface {
	Put(batch []byte) error
}

// Create opens path for writing (gzip when it ends in .gz); an empty path writes nowhere.
func Create(path string) (*Writer, error) {
	w := &Writer{out: io.Discard, stop: make(chan struct{}), done: make(chan struct{})}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		w.file, w.out = f, f
		if strings.HasSuffix(path, ".gz") {
			w.gz = gzip.NewWriter(f)
			w.out = w.gz
		}
	}
	go w.loop()
	return w, nil
}

// ShipTo hands every batch flushed from now on to sink too. Call it before the first Append.
func (w *Writer) ShipTo(sink Sink) { w.sink = sink }

// Append adds one line built by fill (which appends to the slice it gets and returns it).
func (w *Writer) Append(fill func([]byte) []byte) {
	if w.file == nil && w.sink == nil {
		return // nowhere to go: building the line would be work for nothing, per request
	}
	w.mu.Lock()
	w.buf = fill(w.buf)
	w.buf = append(w.buf, '\n')
	w.mu.Unlock()
}

func (w *Writer) loop() {
	defer close(w.done)
	t := time.NewTicker(FlushEvery)
	defer t.Stop()
	spare := make([]byte, 0, 64<<10)
	for {
		select {
		case <-t.C:
			spare = w.flush(spare)
		case <-w.stop:
			w.flush(spare)
			return
		}
	}
}

// flush writes what has been appended; the buffers swap so Append never waits on the disk.
func (w *Writer) flush(spare []byte) []byte {
	w.mu.Lock()
	batch := w.buf
	w.buf = spare[:0]
	w.mu.Unlock()
	if len(batch) > 0 && w.sink != nil && w.shipErr == nil {
		w.shipErr = w.sink.Put(batch)
	}
	if len(batch) > 0 && w.err == nil {
		if _, err := w.out.Write(batch); err != nil {
			w.err = err
		} else if w.gz != nil {
			// A sync flush: what is written so far can be read (and survives a kill -9).
			w.err = w.gz.Flush()
		}
	}
	return batch
}

// Close writes the rest and closes the file; it reports the file's first error, else the sink's.
func (w *Writer) Close() error {
	close(w.stop)
	<-w.done
	if w.gz != nil {
		if err := w.gz.Close(); err != nil && w.err == nil {
			w.err = err
		}
	}
	if w.file != nil {
		if err := w.file.Close(); err != nil && w.err == nil {
			w.err = err
		}
	}
	if w.err == nil {
		return w.shipErr
	}
	return w.err
}
