package validate

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Hardening holds what each pod must not offer a stranger on the cluster (issue 26): every
// container's root filesystem read-only, with an emptyDir at /tmp for busybench's (Node's and
// the engine's temporary files); no service-account token in a pod whose account no RoleBinding
// or ClusterRoleBinding of the render binds (only Prometheus and prometheus-adapter read the
// API); every image at a version, never `latest` (busybench's, after `images:`, too); no
// lifecycle API. The token (tokens.go) and the NetworkPolicies (policies.go,
// reach.go) are checked apart.
func Hardening(ix *Index) []error {
	var errs []error
	bound := boundAccounts(ix)
	for _, t := range ix.Templates {
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", t.Owner, fmt.Sprintf(format, a...)))
		}
		if a := t.Spec.AutomountServiceAccountToken; (a == nil || *a) && !bound[t.Namespace+"/"+t.Spec.ServiceAccountName] {
			fail("mounts a service-account token it has no use for (automountServiceAccountToken: false)")
		}
		for _, c := range containers(t.Spec) {
			if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
				fail("container %s: the root filesystem is writable (readOnlyRootFilesystem: true, an emptyDir for what it writes)", c.Name)
			}
			if _, tag := imageTag(c.Image); tag == "" || tag == "latest" {
				where := "a tag or digest of a release"
				if isBusybench(c.Image) {
					where = "images: newTag in base/kustomization.yaml"
				}
				fail("container %s: image %q is not a version (%s)", c.Name, c.Image, where)
			}
			if isBusybench(c.Image) {
				if !writableEmptyDir(t.Spec, c, "/tmp") {
					fail("container %s: no writable emptyDir at /tmp, where Node and the engine write their temporary files (the root filesystem is read-only)", c.Name)
				}
			}
			for _, a := range append(append([]string{}, c.Command...), c.Args...) {
				if strings.Contains(a, "--web.enable-lifecycle") {
					fail("container %s: %s lets anyone who reaches it reload or stop it", c.Name, a)
				}
			}
		}
	}
	return errs
}

// writableEmptyDir reports whether the container mounts an emptyDir at path, not read-only.
func writableEmptyDir(spec corev1.PodSpec, c corev1.Container, path string) bool {
	for _, m := range c.VolumeMounts {
		if strings.TrimSuffix(m.MountPath, "/") != path || m.ReadOnly || m.SubPath != "" {
			continue
		}
		for _, v := range spec.Volumes {
			if v.Name == m.Name && v.EmptyDir != nil {
				return true
			}
		}
	}
	return false
}

// isBusybench reports whether an image is busybench's, from any registry (after `images:`).
func isBusybench(image string) bool {
	name, _ := imageTag(image)
	return name == "busybench" || strings.HasSuffix(name, "/busybench")
}

// imageTag splits an image reference into its name and tag ("" when it has none; a digest is a
// version too, given as its tag).
func imageTag(image string) (name, tag string) {
	if i := strings.Index(image, "@"); i >= 0 {
		return image[:i], image[i+1:]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[:i], image[i+1:]
	}
	return image, ""
}

// flagValue is a flag's value, given as `--flag value` or `--flag=value` (the CLI takes both);
// ok is false when the flag is not there.
func flagValue(args []string, flag string) (value string, ok bool) {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1], true
		}
		if v, found := strings.CutPrefix(a, flag+"="); found {
			return v, true
		}
	}
	return "", false
}
