package validate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// renderText writes a one-file kustomization and renders it as the overlays are rendered.
func renderText(t *testing.T, manifest string) ([]Rendered, error) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"kustomization.yaml": "resources:\n  - manifest.yaml\n",
		"manifest.yaml":      manifest,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Render(dir)
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  REPLICAS: 2
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
    spec:
      containers:
        - name: c
          image: busybench:latest
`

func TestStrictDecodingRejectsWhatALenientOneWouldDrop(t *testing.T) {
	for _, tc := range []struct {
		name, manifest, want string
		err                  error
	}{
		{"a misspelt field", strings.Replace(deployment, "REPLICAS", "replcas", 1), "replcas", ErrStrict},
		{"a misspelt field deep in the pod", strings.Replace(strings.Replace(deployment, "REPLICAS", "replicas", 1),
			"image: busybench:latest", "image: busybench:latest\n          imagePulPolicy: Always", 1), "imagePulPolicy", ErrStrict},
		{"a field twice", strings.Replace(deployment, "REPLICAS: 2", "replicas: 2\n  replicas: 3", 1), "replicas", ErrStrict},
		{"a value of the wrong type", strings.Replace(deployment, "REPLICAS: 2", "replicas: two", 1), "replicas", ErrStrict},
		{"a misspelt kind", strings.Replace(strings.Replace(deployment, "REPLICAS", "replicas", 1), "kind: Deployment", "kind: Deploymnet", 1), "Deploymnet", ErrUnknownKind},
		// Not decodable here, so never let through unread: why k6-operator/testrun.yaml is not validated.
		{"a kind these checks do not know", "apiVersion: k6.io/v1alpha1\nkind: TestRun\nmetadata:\n  name: k\nspec:\n  parallelism: 3\n", "TestRun", ErrUnknownKind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rendered, err := renderText(t, tc.manifest)
			if err == nil {
				_, err = Decode(rendered)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			// A field twice may already stop kustomize; anything else must reach the decoder.
			if tc.name != "a field twice" && !errors.Is(err, tc.err) {
				t.Errorf("error %v, want %v", err, tc.err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

func TestStrictDecodingAcceptsTheSameObjectSpeltRight(t *testing.T) {
	rendered, err := renderText(t, strings.Replace(deployment, "REPLICAS", "replicas", 1))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Decode(rendered)
	if err != nil || len(objs) != 1 {
		t.Fatalf("objects %d, error %v", len(objs), err)
	}
}

func TestStrictDecodingRejectsAFieldTwiceOnItsOwn(t *testing.T) {
	// kustomize stops a duplicate key first (above); the decoder does too, should it get one.
	twice := strings.Replace(deployment, "REPLICAS: 2", "replicas: 2\n  replicas: 3", 1)
	_, err := Decode([]Rendered{{Kind: "Deployment", Name: "d", YAML: []byte(twice)}})
	if !errors.Is(err, ErrStrict) || !strings.Contains(err.Error(), `key "replicas" already set`) {
		t.Fatalf("error %v, want a duplicate field", err)
	}
}
