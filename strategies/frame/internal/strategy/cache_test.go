package strategy

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

const wholeBody = `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`

// chatRequest is a client's non-streaming request with a credential.
func chatRequest(auth, body string) *Request {
	h := &fasthttp.RequestHeader{}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return &Request{URI: []byte("/chat/completions"), Header: h, Body: []byte(body)}
}

func memoryCache() (*Cache, *MemoryStore) {
	m := &MemoryStore{TTL: time.Minute, Max: 100, Now: time.Now}
	return &Cache{Store: m, Entries: m.Size}, m
}

// stored waits (bounded) until the store holds n answers: a set is not waited for by the client.
func stored(t *testing.T, m *MemoryStore, n float64) {
	t.Helper()
	for until := time.Now().Add(2 * time.Second); m.Size() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(until) {
			t.Fatalf("the store holds %v answers, want %v", m.Size(), n)
		}
	}
}

func TestCacheAnswersARepeatFromTheStore(t *testing.T) {
	c, m := memoryCache()
	s := &fakeSender{body: []byte(wholeBody)}
	first := c.Handle(chatRequest("Bearer a", `{"model":"m"}`), s)
	stored(t, m, 1)
	second := c.Handle(chatRequest("Bearer a", `{"model":"m"}`), s)
	if first.(*fakeAnswer).made || !second.(*fakeAnswer).made {
		t.Fatal("the first answer must be the node's, the second the cache's")
	}
	if s.attempts() != 1 || len(s.locals) != 1 || s.locals[0] != "cache_hit" {
		t.Fatalf("attempts %d, locals %v: want 1 and [cache_hit]", s.attempts(), s.locals)
	}
	hit := second.(*fakeAnswer)
	if string(hit.body) != wholeBody || hit.header[len(hit.header)-1] != (Field{"x-busybench-cache", "hit"}) {
		t.Fatalf("hit %q %v", hit.body, hit.header)
	}
	if c.hits.Load() != 1 || c.misses.Load() != 1 {
		t.Fatalf("hits %d misses %d, want 1 and 1", c.hits.Load(), c.misses.Load())
	}
}

func TestCacheNeverServesOneCallerAnothersAnswer(t *testing.T) {
	c, m := memoryCache()
	s := &fakeSender{body: []byte(wholeBody)}
	c.Handle(chatRequest("Bearer a", `{"model":"m"}`), s)
	stored(t, m, 1)
	// Another credential, none, and the same caller whose key a link before set anew (key-pool):
	// the key is the credential the client sent.
	c.Handle(chatRequest("Bearer b", `{"model":"m"}`), s)
	c.Handle(chatRequest("", `{"model":"m"}`), s)
	if s.attempts() != 3 {
		t.Fatalf("attempts %d, want 3: each caller its own answer", s.attempts())
	}
	r := chatRequest("Bearer a", `{"model":"m"}`).With("Authorization", "Bearer pooled")
	if c.Handle(r, s); s.attempts() != 3 {
		t.Fatal("the client's own credential must find its answer whatever a link set in its place")
	}
}

func TestCacheStoresOnlyWholeRealTwoHundreds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"a 503", 503, `{"error":{"message":"busy"}}`},
		{"an aborted answer", 200, strings.Replace(wholeBody, `"stop"`, `"insufficient_system_resource"`, 1)},
		{"a body that is not JSON", 200, `{"choices":[{"finish_reason":"stop"`},
	} {
		c, m := memoryCache()
		s := &fakeSender{statuses: []int{tc.status}, body: []byte(tc.body)}
		for range 2 {
			c.Handle(chatRequest("Bearer a", `{"model":"m"}`), s)
		}
		if s.attempts() != 2 || m.Size() != 0 || c.misses.Load() != 2 {
			t.Fatalf("%s: attempts %d, stored %v, misses %d: want 2, 0, 2", tc.name, s.attempts(), m.Size(), c.misses.Load())
		}
	}
}

func TestCachePassesStreamsAndBodilessRequestsThrough(t *testing.T) {
	c, _ := memoryCache()
	s := &fakeSender{body: []byte(wholeBody)}
	for range 2 {
		c.Handle(chatRequest("Bearer a", `{"model":"m","stream":true}`), s)
		c.Handle(chatRequest("Bearer a", ""), s)
	}
	if s.attempts() != 4 || c.hits.Load()+c.misses.Load() != 0 {
		t.Fatalf("attempts %d, hits+misses %d: want 4 and 0", s.attempts(), c.hits.Load()+c.misses.Load())
	}
}

// brokenStore is a store that cannot answer (Redis down).
type brokenStore struct{ sets int }

func (*brokenStore) Get(string) (*StoredAnswer, error) { return nil, errors.New("down") }
func (b *brokenStore) Set(string, *StoredAnswer) error { b.sets++; return errors.New("down") }
func (*brokenStore) Start() error                      { return nil }
func (*brokenStore) Close()                            {}

func TestCacheWithAFailingStoreGoesToTheNodeAndCounts(t *testing.T) {
	b := &brokenStore{}
	c := &Cache{Store: b}
	s := &fakeSender{body: []byte(wholeBody)}
	a := c.Handle(chatRequest("Bearer a", `{"model":"m"}`), s)
	if a.Status() != 200 || s.attempts() != 1 || c.getErrors.Load() != 1 || c.misses.Load() != 1 {
		t.Fatalf("status %d attempts %d get errors %d misses %d", a.Status(), s.attempts(), c.getErrors.Load(), c.misses.Load())
	}
	time.Sleep(20 * time.Millisecond)
	if b.sets != 0 {
		t.Fatal("a set after a failed get only adds to a failing store's backlog")
	}
}

func TestMemoryStoreForgetsAfterTTLAndEvictsTheOldest(t *testing.T) {
	now := time.Unix(0, 0)
	m := &MemoryStore{TTL: time.Second, Max: 2, Now: func() time.Time { return now }}
	a := &StoredAnswer{Status: 200}
	_ = m.Set("1", a)
	_ = m.Set("2", a)
	_ = m.Set("1", a) // refreshed: now the youngest
	_ = m.Set("3", a)
	if got, _ := m.Get("2"); got != nil || m.Size() != 2 {
		t.Fatal("the oldest (2) must be evicted past Max, not the refreshed 1")
	}
	if got, _ := m.Get("1"); got == nil {
		t.Fatal("1 must still be there")
	}
	now = now.Add(time.Second)
	if got, _ := m.Get("1"); got != nil || m.Size() != 1 {
		t.Fatal("an answer TTL old must be forgotten (and dropped)")
	}
}

func TestRedisEntryIsTheNodeFramesLayout(t *testing.T) {
	// As redis-store.ts encodes it: the head's length, the head as JSON, the body.
	head := `{"status":200,"headers":{"content-type":"application/json","x-request-id":"r1"}}`
	node := binary.BigEndian.AppendUint32(nil, uint32(len(head)))
	node = append(append(node, head...), wholeBody...)
	a, err := decodeEntry(node)
	if err != nil || a.Status != 200 || string(a.Body) != wholeBody || len(a.Header) != 2 {
		t.Fatalf("decoded %+v, %v", a, err)
	}
	again, err := decodeEntry(encodeEntry(a))
	if err != nil || again.Status != 200 || string(again.Body) != wholeBody || len(again.Header) != 2 {
		t.Fatalf("round trip %+v, %v", again, err)
	}
	for _, bad := range []string{"", "\x00\x00\x00\x09{}", "\x00\x00\x00\x02{}", "\x00\x00\x00\x0c{\"status\":1}"} {
		if _, err := decodeEntry([]byte(bad)); err == nil {
			t.Fatalf("%q decoded: not an entry", bad)
		}
	}
}

func TestCacheKeyIsTheNodeFramesKey(t *testing.T) {
	// createHash('sha256').update('Bearer a').update('\0').update('/chat/completions').update('\0').update('{}').digest('hex')
	const node = "225399d09d3a03919ab5a58f6b10555fc235481315c3eddd20c9e8831133f76d"
	got := CacheKey([]byte("Bearer a"), []byte("/chat/completions"), []byte("{}"))
	if got != node {
		t.Fatalf("key %s, the Node frame's %s", got, node)
	}
}

func TestWholeAnswer(t *testing.T) {
	for body, want := range map[string]bool{
		wholeBody: true,
		`{"choices":[{"finish_reason":"length"}]}`:         true,
		`{"choices":[{"finish_reason":"content_filter"}]}`: false,
		`{"choices":[{"finish_reason":null}]}`:             false,
		`{"choices":[]}`:                                   false,
		`{"type":"message","stop_reason":"end_turn"}`:      true,
		`{"type":"message","stop_reason":"refusal"}`:       false,
		`{"type":"error","stop_reason":"end_turn"}`:        false,
		`{"choices":[{"finish_reason":"stop"}]`:            false,
		`null`:                                             false,
		`[]`:                                               false,
	} {
		if WholeAnswer([]byte(body)) != want {
			t.Errorf("WholeAnswer(%s) != %v", body, want)
		}
	}
}
