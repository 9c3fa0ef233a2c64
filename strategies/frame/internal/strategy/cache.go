package strategy

import (
	"crypto/sha256"
	"encoding/hex"
	"sync/atomic"
	"time"
)

// Cache is the Node frame's `cache`: the same body on the same path from the same caller (the
// credential the client sent) within the store's ttl gets the stored answer without a node call.
// Only a node's whole, real 200 is stored (WholeAnswer); streams and bodiless requests pass
// through, neither hits nor misses. A store that fails (Redis down or slow) costs a counted error
// and a trip to the node, never a failed request.
type Cache struct {
	Store CacheStore
	// Entries is the memory store's size (the gauge cache_entries), nil for Redis.
	Entries func() float64
	// Remote: the store is another service (Redis), and the wait for its answer is not the
	// frame's own work (busybench_strategy_frame_own_seconds leaves it out, as the Node frame's).
	Remote bool

	hits, misses, getErrors, setErrors atomic.Int64
}

// StoredAnswer is what the cache keeps of a node's answer.
type StoredAnswer struct {
	Status int
	Header []Field
	Body   []byte
}

// CacheStore keeps answers: in the frame's memory, or in Redis, shared by every frame on it. Get
// answers nil for none; an error is a store that could not answer.
type CacheStore interface {
	Get(key string) (*StoredAnswer, error)
	Set(key string, a *StoredAnswer) error
	Start() error
	Close()
}

func (*Cache) Name() string { return "cache" }

func (c *Cache) Gauges() map[string]func() float64 {
	if c.Entries == nil {
		return nil
	}
	return map[string]func() float64{"cache_entries": c.Entries}
}

// Counters are the Node frame's, with its help texts: the hit ratio and the store's failures.
func (c *Cache) Counters() []Counter {
	read := func(n *atomic.Int64) func() float64 { return func() float64 { return float64(n.Load()) } }
	const errorsHelp = "Store operations that failed or timed out (the request went upstream), by op (get, set)."
	return []Counter{
		{Name: "cache_hits_total", Help: "Cacheable requests (non-streaming, with a body) answered from the cache.", Read: read(&c.hits)},
		{Name: "cache_misses_total", Help: "Cacheable requests sent upstream: not stored, expired, or the store failed.", Read: read(&c.misses)},
		{Name: "cache_errors_total", Help: errorsHelp, Labels: map[string]string{"op": "get"}, Read: read(&c.getErrors)},
		{Name: "cache_errors_total", Help: errorsHelp, Labels: map[string]string{"op": "set"}, Read: read(&c.setErrors)},
	}
}

func (c *Cache) Start() error { return c.Store.Start() }
func (c *Cache) Close()       { c.Store.Close() }

func (c *Cache) Handle(r *Request, s Sender) Answer {
	if len(r.Body) == 0 {
		return s.Send(r)
	}
	if stream, _ := readRequest(r.Body); stream {
		return s.Send(r)
	}
	key := CacheKey(caller(r), r.URI, r.Body)
	asked := time.Now()
	hit, err := c.Store.Get(key)
	if c.Remote {
		s.Waited(time.Since(asked))
	}
	storeDown := err != nil
	if storeDown {
		c.getErrors.Add(1)
	}
	if hit != nil {
		c.hits.Add(1)
		header := append(append(make([]Field, 0, len(hit.Header)+1), hit.Header...), Field{"x-busybench-cache", "hit"})
		return s.Made("cache_hit", hit.Status, header, hit.Body)
	}
	c.misses.Add(1)
	answer := s.Send(r)
	// Skipped when the get just failed: a set would most likely fail the same way and only add
	// to Redis's backlog.
	if answer.Status() != 200 || storeDown {
		return answer
	}
	// Only a node's whole answer (not one made on our side, a fallback's in a chain; not a cut
	// one), and only a real one: never a body that broke off or an aborted answer.
	header, body, whole := answer.Whole()
	if !whole || !WholeAnswer(body) {
		return answer
	}
	stored := &StoredAnswer{Status: 200, Header: header, Body: body}
	// Not waited for: the client need not wait for the store.
	go func() {
		if c.Store.Set(key, stored) != nil {
			c.setErrors.Add(1)
		}
	}()
	return answer
}

// caller is the client's credential as it sent it (Authorization, else x-api-key, else ""): the
// header as the client sent it, whatever a link before this one set in its place (key-pool's key).
func caller(r *Request) []byte {
	if v := r.Header.Peek("Authorization"); len(v) > 0 {
		return v
	}
	return r.Header.Peek("X-Api-Key")
}

// CacheKey is the Node frame's key (sha256 of caller, path and body, NUL between them, in hex),
// so frames of both kinds on one Redis share their answers.
func CacheKey(caller, path, body []byte) string {
	h := sha256.New()
	h.Write(caller)
	h.Write([]byte{0})
	h.Write(path)
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
