package validate

import (
	"fmt"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Rendered is one object of a kustomization's output, as the YAML kubectl would apply.
type Rendered struct {
	Kind, Name, Namespace string
	YAML                  []byte
}

// String names the object as kubectl does: Kind/namespace/name.
func (r Rendered) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Render builds the kustomization in dir, as `kubectl apply -k dir` would (default options:
// files only from within each kustomization's root, no plugins).
func Render(dir string) ([]Rendered, error) { return RenderFS(filesys.MakeFsOnDisk(), dir) }

// RenderFS is Render on a filesystem of the caller's (the tests' in-memory copy of the tree).
func RenderFS(fs filesys.FileSystem, dir string) ([]Rendered, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(fs, dir)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", dir, err)
	}
	var out []Rendered
	for _, r := range m.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("render %s: %s: %w", dir, r.CurId(), err)
		}
		out = append(out, Rendered{Kind: r.GetKind(), Name: r.GetName(), Namespace: r.GetNamespace(), YAML: y})
	}
	return out, nil
}
