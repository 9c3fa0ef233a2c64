// Package trace reads timestamped request traces, one row at a time (a trace is streamed,
// never held whole): the Azure LLM inference CSV, Mooncake's JSONL, BurstGPT's CSV and
// busybench's own JSONL. Every format comes out as the same Row.
package trace

// BlockTokens is the size of a prefix block (Mooncake's hash_ids, busybench's prefix_blocks):
// requests that share leading block ids share those tokens of their prompt exactly.
const BlockTokens = 512

// Row is one request of a trace.
type Row struct {
	// Line is the row's line in the file (1-based), for messages.
	Line int
	// OffsetMs is when the request arrived, from the trace's first row.
	OffsetMs float64
	Prompt   int
	Output   int
	// Blocks are the prompt's prefix block ids, BlockTokens each; nil: none shared.
	Blocks []uint64
	// Optional, busybench's format only; "" or nil: the plan's mix decides.
	User     string
	Session  string
	Model    string
	Stream   *bool
	Priority string
}
