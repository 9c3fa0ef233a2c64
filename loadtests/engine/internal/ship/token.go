package ship

import (
	"fmt"
	"os"
	"strings"
)

// MinTokenChars is the least a collector's token may be, as the collector itself requires
// (common/bearer-token.ts): 32 characters, the `openssl rand -hex 16` the READMEs show.
const MinTokenChars = 32

// maxTokenFileBytes: a token file holds one line; a larger file is the wrong file.
const maxTokenFileBytes = 4096

// ReadToken reads the collector's bearer token from a file (`--ship-token-file`, a mounted
// Secret): one line of printable ASCII without spaces, its newline and surrounding spaces removed.
// The token itself never appears in an error.
func ReadToken(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--ship-token-file: %w", err)
	}
	if info.Size() > maxTokenFileBytes {
		return "", fmt.Errorf("--ship-token-file %s: over %d bytes; a token file holds one line", path, maxTokenFileBytes)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--ship-token-file: %w", err)
	}
	token := strings.TrimSpace(string(raw))
	if token == "" || strings.IndexFunc(token, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return "", fmt.Errorf("--ship-token-file %s: one line of printable characters without spaces, please", path)
	}
	if len(token) < MinTokenChars {
		return "", fmt.Errorf("--ship-token-file %s: %d characters; at least %d (e.g. openssl rand -hex 16)", path, len(token), MinTokenChars)
	}
	return token, nil
}
