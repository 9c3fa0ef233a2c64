package trace

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Formats are the trace formats read.
var Formats = []string{"azure", "mooncake", "burstgpt", "busybench"}

// Reader streams a trace's rows in file order.
type Reader struct {
	Format string
	path   string
	file   *os.File
	gz     *gzip.Reader
	lines  *bufio.Reader
	csv    *csv.Reader
	line   int
	first  *int64 // the first row's own time, ns (offsets are differences, exact to the ns)
	// SkippedFailed counts BurstGPT rows with no response (failed requests), not replayed.
	SkippedFailed int
	header        map[string]int
}

// Open opens a trace (gzip when the name ends in .gz); format "" detects it from the first line.
func Open(path, format string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{path: path, file: f}
	var src io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		if r.gz, err = gzip.NewReader(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		src = r.gz
	}
	// The longest line read: a Mooncake row of a 128k-token prompt lists ~250 block ids (2 KB).
	r.lines = bufio.NewReaderSize(src, 64<<10)
	head, _ := r.lines.Peek(4096)
	if format == "" {
		if format, err = detect(head); err != nil {
			r.Close()
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	r.Format = format
	switch format {
	case "azure", "burstgpt":
		r.csv = csv.NewReader(r.lines)
		r.csv.ReuseRecord = true
		if err := r.readHeader(); err != nil {
			r.Close()
			return nil, err
		}
	case "mooncake", "busybench":
	default:
		r.Close()
		return nil, fmt.Errorf("trace format %q is not one of %s", format, strings.Join(Formats, ", "))
	}
	return r, nil
}

// detect names the format from the file's first line.
func detect(head []byte) (string, error) {
	first, _, _ := bytes.Cut(head, []byte("\n"))
	first = bytes.TrimSpace(first)
	switch {
	case bytes.HasPrefix(first, []byte("TIMESTAMP,")):
		return "azure", nil
	case bytes.HasPrefix(first, []byte("Timestamp,")):
		return "burstgpt", nil
	case bytes.HasPrefix(first, []byte("{")):
		var probe map[string]json.RawMessage
		if json.Unmarshal(first, &probe) == nil {
			if _, ok := probe["input_length"]; ok {
				return "mooncake", nil
			}
			if _, ok := probe["offset_ms"]; ok {
				return "busybench", nil
			}
		}
	}
	return "", fmt.Errorf("cannot tell the trace's format from its first line; name it with --trace-format (%s)",
		strings.Join(Formats, ", "))
}

func (r *Reader) Close() {
	if r.gz != nil {
		r.gz.Close()
	}
	r.file.Close()
}

var csvColumns = map[string][]string{
	"azure":    {"TIMESTAMP", "ContextTokens", "GeneratedTokens"},
	"burstgpt": {"Timestamp", "Request tokens", "Response tokens"},
}

func (r *Reader) readHeader() error {
	rec, err := r.csv.Read()
	r.line++
	if err != nil {
		return fmt.Errorf("%s: no header line: %v", r.path, err)
	}
	r.header = map[string]int{}
	for i, name := range rec {
		r.header[strings.TrimSpace(name)] = i
	}
	var missing []string
	for _, c := range csvColumns[r.Format] {
		if _, ok := r.header[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: a %s trace needs the columns %s; missing %s", r.path, r.Format,
			strings.Join(csvColumns[r.Format], ", "), strings.Join(missing, ", "))
	}
	return nil
}

// Next returns the next row, io.EOF after the last; a bad row is an error naming its line.
func (r *Reader) Next() (Row, error) {
	for {
		row, skip, err := r.next()
		if err != nil || !skip {
			return row, err
		}
	}
}

func (r *Reader) next() (Row, bool, error) {
	var row Row
	var at int64 // the row's own time, ns
	var err error
	switch r.Format {
	case "azure", "burstgpt":
		rec, rerr := r.csv.Read()
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return row, false, io.EOF
			}
			return row, false, fmt.Errorf("%s: %v", r.path, rerr)
		}
		r.line, _ = r.csv.FieldPos(0)
		row.Line = r.line
		col := func(name string) string { return strings.TrimSpace(rec[r.header[name]]) }
		if r.Format == "azure" {
			at, err = azureTime(col("TIMESTAMP"))
			if err == nil {
				row.Prompt, err = whole("ContextTokens", col("ContextTokens"))
			}
			if err == nil {
				row.Output, err = whole("GeneratedTokens", col("GeneratedTokens"))
			}
		} else {
			var sec float64
			sec, err = number("Timestamp", col("Timestamp"))
			at = int64(math.Round(sec * 1e9))
			if err == nil {
				row.Prompt, err = whole("Request tokens", col("Request tokens"))
			}
			if err == nil {
				row.Output, err = whole("Response tokens", col("Response tokens"))
			}
			if err == nil && row.Output == 0 {
				// BurstGPT marks a failed request with no response tokens: there is no answer to
				// ask for again, so it is not replayed (counted, and the plan's info says how many).
				r.SkippedFailed++
				return row, true, nil
			}
		}
	default:
		line, lerr := r.lines.ReadSlice('\n')
		if errors.Is(lerr, bufio.ErrBufferFull) {
			return row, false, fmt.Errorf("%s line %d: longer than %d bytes", r.path, r.line+1, r.lines.Size())
		}
		if lerr != nil && !errors.Is(lerr, io.EOF) {
			return row, false, fmt.Errorf("%s: %v", r.path, lerr)
		}
		r.line++
		row.Line = r.line
		if len(bytes.TrimSpace(line)) == 0 {
			if lerr != nil {
				return row, false, io.EOF
			}
			return row, true, nil
		}
		if r.Format == "mooncake" {
			at, err = mooncakeRow(line, &row)
		} else {
			at, err = busybenchRow(line, &row)
		}
	}
	if err != nil {
		return row, false, fmt.Errorf("%s line %d: %v", r.path, row.Line, err)
	}
	if r.first == nil {
		r.first = &at
	}
	row.OffsetMs = float64(at-*r.first) / 1e6
	return row, false, nil
}

func whole(name, text string) (int, error) {
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q is not a whole number >= 0", name, text)
	}
	return n, nil
}

func number(name, text string) (float64, error) {
	x, err := strconv.ParseFloat(text, 64)
	if err != nil || x < 0 {
		return 0, fmt.Errorf("%s %q is not a number >= 0", name, text)
	}
	return x, nil
}

func azureTime(text string) (int64, error) {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", text)
	if err != nil {
		return 0, fmt.Errorf("TIMESTAMP %q is not YYYY-MM-DD HH:MM:SS.fffffff", text)
	}
	return t.UnixNano(), nil
}

// nanos is a time in ms as whole nanoseconds.
func nanos(ms float64) int64 { return int64(math.Round(ms * 1e6)) }

type mooncakeLine struct {
	Timestamp    *float64 `json:"timestamp"`
	InputLength  *int     `json:"input_length"`
	OutputLength *int     `json:"output_length"`
	HashIDs      []uint64 `json:"hash_ids"`
}

func mooncakeRow(line []byte, row *Row) (int64, error) {
	var m mooncakeLine
	if err := json.Unmarshal(line, &m); err != nil {
		return 0, err
	}
	if m.Timestamp == nil || m.InputLength == nil || m.OutputLength == nil {
		return 0, errors.New("a Mooncake row needs timestamp, input_length and output_length")
	}
	if *m.Timestamp < 0 || *m.InputLength < 0 || *m.OutputLength < 0 {
		return 0, errors.New("timestamp, input_length and output_length must be >= 0")
	}
	row.Prompt, row.Output, row.Blocks = *m.InputLength, *m.OutputLength, m.HashIDs
	return nanos(*m.Timestamp), nil
}

// busybenchLine is busybench's own trace format (loadtests/README.md, "Traces").
type busybenchLine struct {
	OffsetMs     *float64 `json:"offset_ms"`
	PromptTokens *int     `json:"prompt_tokens"`
	OutputTokens *int     `json:"output_tokens"`
	PrefixBlocks []uint64 `json:"prefix_blocks"`
	User         string   `json:"user"`
	Session      string   `json:"session"`
	Model        string   `json:"model"`
	Stream       *bool    `json:"stream"`
	Priority     string   `json:"priority"`
}

// A user or session as DeepSeek's user_id takes it; a model name of the API's kind.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
var modelPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func busybenchRow(line []byte, row *Row) (int64, error) {
	var b busybenchLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return 0, err
	}
	if b.OffsetMs == nil || b.PromptTokens == nil || b.OutputTokens == nil {
		return 0, errors.New("a busybench row needs offset_ms, prompt_tokens and output_tokens")
	}
	if *b.OffsetMs < 0 || *b.PromptTokens < 0 || *b.OutputTokens < 0 {
		return 0, errors.New("offset_ms, prompt_tokens and output_tokens must be >= 0")
	}
	var problems []string
	if b.User != "" && !idPattern.MatchString(b.User) {
		problems = append(problems, "user must be 1-128 of A-Z a-z 0-9 _ - (DeepSeek's user_id)")
	}
	if b.Session != "" && !idPattern.MatchString(b.Session) {
		problems = append(problems, "session must be 1-128 of A-Z a-z 0-9 _ -")
	}
	if b.Model != "" && !modelPattern.MatchString(b.Model) {
		problems = append(problems, "model must be 1-64 of A-Z a-z 0-9 . _ -")
	}
	switch b.Priority {
	case "", "P0", "P1", "P2", "P3":
	default:
		problems = append(problems, "priority must be P0, P1, P2 or P3")
	}
	if len(problems) > 0 {
		return 0, errors.New(strings.Join(problems, "; "))
	}
	row.Prompt, row.Output, row.Blocks = *b.PromptTokens, *b.OutputTokens, b.PrefixBlocks
	row.User, row.Session, row.Model, row.Stream, row.Priority = b.User, b.Session, b.Model, b.Stream, b.Priority
	return nanos(*b.OffsetMs), nil
}
