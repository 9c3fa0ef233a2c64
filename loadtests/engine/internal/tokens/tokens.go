// Package tokens is the mock's token rule on the engine's side, so a trace row of N prompt
// tokens is sent as a prompt the mock counts as N (mock-server/src/generation/tokenizer.ts is
// the other half; contract/token-vectors.json holds both to the same counts).
//
// The rule: a run of ASCII letters or digits counts ceil(len/6) tokens, any other character
// that is not a space counts one, and every message adds a fixed overhead (its role markers).
package tokens

// CharsPerWordToken: a run of letters or digits is one token per 6 characters (rounded up).
const CharsPerWordToken = 6

// MessageOverhead is what the mock adds per message for its role markers.
const MessageOverhead = 4

// MinPrompt is the smallest one-message prompt the engine sends: the overhead and one word.
// A trace row below it is sent at it, and counted (the report says how many).
const MinPrompt = MessageOverhead + 1

func isWord(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// Count is the mock's count of a text, for ASCII text (the engine writes nothing else; a
// non-ASCII character counts once per UTF-16 unit on the mock's side).
func Count(text string) int {
	n, run := 0, 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if isWord(c) {
			run++
			continue
		}
		if run > 0 {
			n += (run + CharsPerWordToken - 1) / CharsPerWordToken
			run = 0
		}
		if !isSpace(c) {
			n++
		}
	}
	if run > 0 {
		n += (run + CharsPerWordToken - 1) / CharsPerWordToken
	}
	return n
}

// WordLen is the length of the words the engine writes: one token each under the rule.
const WordLen = 5

// words is a vocabulary of 65 536 five-letter words: a prompt of 1 000 words draws from it
// (distinct prompts stay distinct: each word is one of 2^16), and a word is one 5-byte copy
// instead of five divisions, the engine's own cost per token of a long prompt.
var words = func() (w [1 << 16][WordLen]byte) {
	for i := range w {
		h := Mix(uint64(i))
		for j := range WordLen {
			w[i][j] = byte('a' + h%26)
			h /= 26
		}
	}
	return w
}()

// AppendWord writes one five-letter word drawn from h (its top 16 bits pick it).
func AppendWord(b []byte, h uint64) []byte {
	w := &words[h>>48]
	return append(b, w[:]...)
}

// Mix is splitmix64's finaliser: a cheap, well-spread hash of x.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// AppendWords writes n words, each followed by a space (n tokens: spaces count none), word i
// drawn from (source, from+i): the same source and positions give the same text, so texts
// built from one source share their prefix token for token.
func AppendWords(b []byte, source uint64, from, n int) []byte {
	for i := 0; i < n; i++ {
		b = AppendWord(b, Mix(source^Mix(uint64(from+i))))
		b = append(b, ' ')
	}
	return b
}

// blockSalt sets block texts apart from a request's own words (a block id and an arrival's
// salt never draw the same source).
const blockSalt uint64 = 0x6a09e667f3bcc909

// AppendPrompt writes the content of a one-message prompt the mock counts as `prompt` tokens
// (at least MinPrompt). Prompt token t lies in prefix block t/blockTokens: while there is a
// block id for it, its word comes from that block (so prompts that share leading block ids
// share those tokens exactly, the message overhead included in the first block); past the
// blocks, words come from `own`, the request's own source.
func AppendPrompt(b []byte, prompt int, blocks []uint64, blockTokens int, own uint64) []byte {
	words := max(prompt, MinPrompt) - MessageOverhead
	c := 0
	for c < words {
		t := c + MessageOverhead
		j := t / blockTokens
		if blockTokens <= 0 || j >= len(blocks) {
			return AppendWords(b, own, c, words-c)
		}
		end := min(words, (j+1)*blockTokens-MessageOverhead)
		b = AppendWords(b, Mix(blocks[j]^blockSalt), t%blockTokens, end-c)
		c = end
	}
	return b
}
