package tokens

import (
	"encoding/json"
	"strings"
	"testing"

	"busybench/engine/contract"
)

func TestCountMatchesTheSharedVectors(t *testing.T) {
	var doc struct {
		Vectors []struct {
			Text   string `json:"text"`
			Tokens int    `json:"tokens"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(contract.TokenVectorsJSON, &doc); err != nil || len(doc.Vectors) < 5 {
		t.Fatalf("token-vectors.json: %v (%d vectors)", err, len(doc.Vectors))
	}
	for _, v := range doc.Vectors {
		if got := Count(v.Text); got != v.Tokens {
			t.Errorf("Count(%q) = %d, the vector says %d", v.Text, got, v.Tokens)
		}
	}
}

func TestAPromptCountsAsAsked(t *testing.T) {
	for _, n := range []int{0, 1, 4, 5, 6, 63, 64, 511, 512, 513, 1000, 126_195} {
		text := string(AppendPrompt(nil, n, []uint64{7, 9, 11}, 512, 1234))
		want := max(n, MinPrompt)
		if got := Count(text) + MessageOverhead; got != want {
			t.Errorf("prompt of %d: the mock would count %d, want %d", n, got, want)
		}
	}
}

func TestSharedBlocksShareTheirTextExactly(t *testing.T) {
	a := string(AppendPrompt(nil, 1500, []uint64{1, 2, 3}, 512, 100))
	b := string(AppendPrompt(nil, 1500, []uint64{1, 2, 4}, 512, 200))
	c := string(AppendPrompt(nil, 1500, []uint64{1, 2, 3}, 512, 300))
	// Blocks 0 and 1 are the prompt's first 1 024 tokens: 4 of overhead, then 1 020 words.
	prefix := func(s string, words int) string { return strings.Join(strings.Fields(s)[:words], " ") }
	if prefix(a, 1020) != prefix(b, 1020) {
		t.Error("two prompts with the same first two blocks differ within them")
	}
	if prefix(a, 1021) == prefix(b, 1021) {
		t.Error("different third blocks begin with the same word")
	}
	// All three blocks the same, and the prompt within them: the whole text is the same.
	if a != c {
		t.Error("prompts of the same blocks, within the blocks, differ")
	}
	// Past the blocks, the request's own words: distinct per request.
	d := string(AppendPrompt(nil, 2000, []uint64{1}, 512, 5))
	e := string(AppendPrompt(nil, 2000, []uint64{1}, 512, 6))
	if prefix(d, 508) != prefix(e, 508) || prefix(d, 509) == prefix(e, 509) {
		t.Error("one shared block, then each request's own words: not what was written")
	}
}
