package validate

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// TokenFile is the file the user makes before applying (base/kustomization.yaml's secretGenerator).
const TokenFile = "base/collector-token"

// testTree is deploy/kubernetes copied into memory, with a test token where the user's own would
// be (never written into the repository): renders as `kubectl apply -k` would once the user made it.
func testTree(t *testing.T) (filesys.FileSystem, string) {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	mem := filesys.MakeFsInMemory()
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "validate" {
				return filepath.SkipDir
			}
			return mem.MkdirAll(path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return mem.WriteFile(path, data)
	})
	if err != nil {
		t.Fatal(err)
	}
	token := filepath.Join(abs, TokenFile)
	if !mem.Exists(token) {
		if err := mem.WriteFile(token, []byte(strings.Repeat("0123456789abcdef", 3)+"\n")); err != nil {
			t.Fatal(err)
		}
	}
	return mem, abs
}

// Without the user's token file, a render from disk stops at kustomize's own error, naming it.
func TestAMissingTokenFileStopsTheRender(t *testing.T) {
	tree, abs := testTree(t)
	if err := tree.RemoveAll(filepath.Join(abs, TokenFile)); err != nil {
		t.Fatal(err)
	}
	_, err := RenderFS(tree, filepath.Join(abs, "overlays/local"))
	if err == nil || !strings.Contains(err.Error(), "collector-token") {
		t.Fatalf("render without the token file: %v", err)
	}
	t.Logf("what kubectl apply -k says without it: %v", err)
}
