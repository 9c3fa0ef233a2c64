package outcome

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"busybench/engine/contract"
)

type vector struct {
	Name             string            `json:"name"`
	Status           int               `json:"status"`
	Stream           bool              `json:"stream"`
	Headers          map[string]string `json:"headers"`
	Body             string            `json:"body"`
	Want             string            `json:"want"`
	CompletionTokens *int              `json:"completionTokens"`
	TokenFrames      *int              `json:"tokenFrames"`
}

// classify runs a vector the way the engine reads a response: status and headers first, then
// the body (line by line for a stream).
func classify(v vector) (class string, tokens, frames int) {
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	if c := OfStatus(v.Status, h); c != "" {
		return c, 0, 0
	}
	if !v.Stream {
		c, tok := Body([]byte(v.Body))
		return c, tok, 0
	}
	var s Stream
	r := bufio.NewReader(bytes.NewReader([]byte(v.Body)))
	for {
		line, err := r.ReadBytes('\n')
		if s.Line(bytes.TrimRight(line, "\r\n")) {
			frames++
		}
		if err != nil {
			break
		}
	}
	return s.Class(), s.Tokens, frames
}

// The shared vectors: the TypeScript classifier (k6 scripts) is held to the same file.
func TestSharedVectors(t *testing.T) {
	var doc struct{ Vectors []vector }
	if err := json.Unmarshal(contract.VectorsJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vectors) < 20 {
		t.Fatalf("only %d vectors", len(doc.Vectors))
	}
	for _, v := range doc.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			if !contract.Known(v.Want) {
				t.Fatalf("want %q is not an outcome", v.Want)
			}
			class, tokens, frames := classify(v)
			if class != v.Want {
				t.Errorf("class %q, want %q", class, v.Want)
			}
			if v.CompletionTokens != nil && tokens != *v.CompletionTokens {
				t.Errorf("tokens %d, want %d", tokens, *v.CompletionTokens)
			}
			if v.TokenFrames != nil && frames != *v.TokenFrames {
				t.Errorf("token frames %d, want %d", frames, *v.TokenFrames)
			}
		})
	}
}

// Every constant here is an outcome of the contract, and every outcome has its constant.
func TestConstantsMatchTheContract(t *testing.T) {
	mine := map[string]bool{OK: true, R429: true, R503: true, R5xx: true, R4xx: true, Timeout: true, Network: true,
		Truncated: true, Malformed: true, Aborted: true, Filtered: true, Degraded: true}
	for _, o := range contract.Outcomes() {
		if !mine[o.Name] {
			t.Errorf("outcome %q has no constant", o.Name)
		}
		delete(mine, o.Name)
	}
	if len(mine) > 0 {
		t.Errorf("constants not in the contract: %v", mine)
	}
}

func TestOfError(t *testing.T) {
	if OfError(context.DeadlineExceeded) != Timeout || OfError(fmt.Errorf("read: %w", context.DeadlineExceeded)) != Timeout {
		t.Error("a deadline is a timeout")
	}
	if OfError(fmt.Errorf("connection reset by peer")) != Network {
		t.Error("a reset is a network error")
	}
}
