package strategy

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// redisPrefix and the entry's layout are the Node frame's (redis-store.ts), so frames of both
// kinds on one Redis share their answers.
const redisPrefix = "busybench:cache:v1:"

// RedisStore keeps answers in Redis (go-redis), each under busybench:cache:v1:<key> with PX ttl,
// so every frame on the same Redis shares them and Redis expires them. Tuned as the Node
// frame's store to fail fast rather than wait, since the cache must never cost more than it
// saves: a command gets Timeout, none is retried, a dial is tried once; while Redis is down,
// go-redis answers its last dial error at once and redials in the background (every second), so
// caching resumes when Redis is back.
type RedisStore struct {
	URL     string
	TTL     time.Duration
	Timeout time.Duration

	client *redis.Client
}

// quiet is go-redis's logger: silent. Its lines (a failed dial, a reconnect) would come once a
// request while Redis is down, on stderr that is the user's; the cache counts those failures
// (busybench_strategy_cache_errors_total) and Start says the one that stops the frame.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(quiet{}) }

// RedisOptions are the client's options for a redis:// or rediss:// URL: an error for one it
// cannot read (checked with the other options, before anything starts).
func RedisOptions(raw string, timeout time.Duration) (*redis.Options, error) {
	o, err := redis.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	o.Protocol = 2           // no HELLO handshake to wait for: the commands used are RESP2's
	o.DisableIdentity = true // no CLIENT SETINFO on connect
	o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	o.MaxRetries = -1
	o.DialerRetries = 1
	o.DialTimeout = time.Second
	o.ReadTimeout, o.WriteTimeout, o.PoolTimeout = timeout, timeout, timeout
	o.ContextTimeoutEnabled = true
	return o, nil
}

// Start connects once, before the frame listens: a Redis that is not there at the start is a
// setup error (the message names the URL without its password).
func (r *RedisStore) Start() error {
	o, err := RedisOptions(r.URL, r.Timeout)
	if err != nil {
		return fmt.Errorf("redisUrl %s: %w", redact(r.URL), err)
	}
	r.client = redis.NewClient(o)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second+r.Timeout)
	defer cancel()
	if err := r.client.Ping(ctx).Err(); err != nil {
		_ = r.client.Close()
		return fmt.Errorf("cannot reach Redis at %s: %w", redact(r.URL), err)
	}
	return nil
}

func (r *RedisStore) Get(key string) (*StoredAnswer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	v, err := r.client.Get(ctx, redisPrefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeEntry(v)
}

func (r *RedisStore) Set(key string, a *StoredAnswer) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	return r.client.Set(ctx, redisPrefix+key, encodeEntry(a), r.TTL).Err()
}

func (r *RedisStore) Close() {
	if r.client != nil {
		_ = r.client.Close()
	}
}

// entryHead is the entry's head: status and headers (names lower-cased), as JSON.
type entryHead struct {
	Status  *int              `json:"status"`
	Headers map[string]string `json:"headers"`
}

// encodeEntry is the head's length (4 bytes, big-endian), the head, then the body as it came.
func encodeEntry(a *StoredAnswer) []byte {
	headers := make(map[string]string, len(a.Header))
	for _, f := range a.Header {
		headers[f.Name] = f.Value
	}
	head, _ := json.Marshal(entryHead{Status: &a.Status, Headers: headers})
	out := make([]byte, 4, 4+len(head)+len(a.Body))
	binary.BigEndian.PutUint32(out, uint32(len(head)))
	return append(append(out, head...), a.Body...)
}

var errNotEntry = errors.New("not a busybench cache entry")

func decodeEntry(v []byte) (*StoredAnswer, error) {
	if len(v) < 4 {
		return nil, errNotEntry
	}
	n := int(binary.BigEndian.Uint32(v))
	if n > len(v)-4 {
		return nil, errNotEntry
	}
	var head entryHead
	if json.Unmarshal(v[4:4+n], &head) != nil || head.Status == nil || head.Headers == nil {
		return nil, errNotEntry
	}
	a := &StoredAnswer{Status: *head.Status, Body: v[4+n:]}
	for k, val := range head.Headers {
		a.Header = append(a.Header, Field{strings.ToLower(k), val})
	}
	return a, nil
}

// redact is the URL without its password, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "x")
		return strings.Replace(u.String(), ":x@", ":***@", 1) // "***" itself would come out escaped
	}
	return u.String()
}
