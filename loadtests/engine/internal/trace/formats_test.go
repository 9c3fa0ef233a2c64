package trace

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func rows(t *testing.T, name, text, format string) ([]Row, *Reader, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(p, format)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var out []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, r, nil
		}
		if err != nil {
			return out, r, err
		}
		out = append(out, row)
	}
}

func TestEachFormatIsDetectedAndReadAsRows(t *testing.T) {
	azure, r, err := rows(t, "a.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n"+
		"2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n", "")
	if err != nil || r.Format != "azure" || len(azure) != 2 || azure[1].Prompt != 396 || azure[1].Output != 109 {
		t.Fatalf("azure: %v %+v", err, azure)
	}
	// Offsets from the first row, to the tenth of a microsecond the file gives.
	if d := azure[1].OffsetMs - 4314.579; d > 1e-6 || d < -1e-6 || azure[0].OffsetMs != 0 || azure[1].Line != 3 {
		t.Errorf("azure offsets %v, %v (line %d)", azure[0].OffsetMs, azure[1].OffsetMs, azure[1].Line)
	}
	moon, r, err := rows(t, "m.jsonl", `{"timestamp": 500, "input_length": 700, "output_length": 5, "hash_ids": [0, 1]}`+"\n\n"+
		`{"timestamp": 1500, "input_length": 9, "output_length": 2, "hash_ids": [0]}`+"\n", "")
	if err != nil || r.Format != "mooncake" || len(moon) != 2 || moon[1].OffsetMs != 1000 || len(moon[0].Blocks) != 2 {
		t.Fatalf("mooncake: %v %+v", err, moon)
	}
	burst, r, err := rows(t, "b.csv", "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"+
		"1.5,ChatGPT,10,0,10,Conversation log\n2.25,GPT-4,20,5,25,API log\n", "")
	if err != nil || r.Format != "burstgpt" || len(burst) != 1 || r.SkippedFailed != 1 || burst[0].Prompt != 20 {
		t.Fatalf("burstgpt: %v %+v (skipped %d)", err, burst, r.SkippedFailed)
	}
	own, r, err := rows(t, "o.jsonl", `{"offset_ms": 3, "prompt_tokens": 5, "output_tokens": 1, "user": "u-1", "priority": "P0"}`+"\n", "")
	if err != nil || r.Format != "busybench" || own[0].User != "u-1" || own[0].Priority != "P0" {
		t.Fatalf("busybench: %v %+v", err, own)
	}
}

func TestBadRowsNameTheirLineAndAWrongFormatIsRefused(t *testing.T) {
	for name, c := range map[string]struct{ text, format, want string }{
		"a negative":      {`{"timestamp": -1, "input_length": 1, "output_length": 1}` + "\n", "", "must be >= 0"},
		"a missing field": {`{"timestamp": 1, "input_length": 1}` + "\n", "", "needs timestamp, input_length and output_length"},
		"a bad class":     {`{"offset_ms": 0, "prompt_tokens": 1, "output_tokens": 1, "priority": "P9"}` + "\n", "", "priority must be"},
		"a bad time":      {"TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,1,1\n", "", `line 2: TIMESTAMP "yesterday"`},
		"not JSON":        {"{nope\n", "mooncake", "line 1:"},
	} {
		_, _, err := rows(t, "t.txt", c.text, c.format)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if _, _, err := rows(t, "t.csv", "a,b\n", "parquet"); err == nil || !strings.Contains(err.Error(), "not one of azure") {
		t.Errorf("an unknown format: %v", err)
	}
}
