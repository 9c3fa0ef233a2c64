package validate

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// withoutEmptyLists maps [] to null: a row's empty `panels` comes back null from the SDK's
// type, the one difference that says nothing about the dashboard.
func withoutEmptyLists(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			out[k] = withoutEmptyLists(item)
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = withoutEmptyLists(item)
		}
		return out
	default:
		return v
	}
}

// differences lists the paths where a and b differ.
func differences(path string, a, b any) []string {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		var out []string
		for k := range keys {
			out = append(out, differences(path+"."+k, am[k], bm[k])...)
		}
		sort.Strings(out)
		return out
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList && bIsList && len(al) == len(bl) {
		var out []string
		for i := range al {
			out = append(out, differences(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i])...)
		}
		return out
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return []string{fmt.Sprintf("%s: wrote %v, the SDK's type holds %v", path, a, b)}
}

// TestEveryFieldSurvivesTheSDKType encodes each decoded dashboard again: what comes back must be
// what was written, so no field we set is one the schema ignores, renames or coerces.
func TestEveryFieldSurvivesTheSDKType(t *testing.T) {
	for _, path := range dashboardFiles(t) {
		t.Run(path, func(t *testing.T) {
			raw := read(t, path)
			d, err := Dashboard(raw)
			if err != nil {
				t.Fatal(err)
			}
			back, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var written, held any
			if err := json.Unmarshal(raw, &written); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(back, &held); err != nil {
				t.Fatal(err)
			}
			for _, d := range differences("", withoutEmptyLists(written), withoutEmptyLists(held)) {
				t.Error(d)
			}
		})
	}
}
