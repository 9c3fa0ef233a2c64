package validate

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Hardening holds what a stranger on the cluster network must not find (issue 26): every
// container's root filesystem read-only; no service-account token in a pod whose account no
// RoleBinding of the render binds (only Prometheus reads the API); busybench's image at a version,
// never `latest`; every pod behind an ingress NetworkPolicy, each rule naming who may come in and
// on a port the pods have; no lifecycle API; the collector beyond loopback with its token, and
// every runner that ships sending it, both read from a mounted Secret.
func Hardening(ix *Index) []error {
	var errs []error
	bound := map[string]bool{}
	for _, o := range ix.OfKind("RoleBinding") {
		for _, s := range o.Obj.(*rbacv1.RoleBinding).Subjects {
			if s.Kind == rbacv1.ServiceAccountKind {
				bound[o.Namespace+"/"+s.Name] = true
			}
		}
	}
	for _, t := range ix.Templates {
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", t.Owner, fmt.Sprintf(format, a...)))
		}
		if a := t.Spec.AutomountServiceAccountToken; (a == nil || *a) && !bound[t.Namespace+"/"+t.Spec.ServiceAccountName] {
			fail("mounts a service-account token it has no use for (automountServiceAccountToken: false)")
		}
		secretMounts := map[string]bool{}
		for _, v := range t.Spec.Volumes {
			if v.Secret != nil {
				secretMounts[v.Name] = true
			}
		}
		for _, c := range containers(t.Spec) {
			if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
				fail("container %s: the root filesystem is writable (readOnlyRootFilesystem: true, an emptyDir for what it writes)", c.Name)
			}
			if name, tag := imageTag(c.Image); strings.HasSuffix(name, "busybench") && (tag == "" || tag == "latest") {
				fail("container %s: image %q is not a version (images: newTag in base/kustomization.yaml)", c.Name, c.Image)
			}
			args := append(append([]string{}, c.Command...), c.Args...)
			for _, a := range args {
				if strings.Contains(a, "--web.enable-lifecycle") {
					fail("container %s: %s lets anyone who reaches it reload or stop it", c.Name, a)
				}
			}
			inSecret := func(path string) bool {
				for _, m := range c.VolumeMounts {
					if secretMounts[m.Name] && strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/") {
						return true
					}
				}
				return false
			}
			if len(c.Args) > 0 && c.Args[0] == "collect" && argAfter(c.Args, "--host") != "" && argAfter(c.Args, "--host") != "127.0.0.1" {
				if f := argAfter(c.Args, "--token-file"); f == "" || !inSecret(f) {
					fail("container %s: the collector listens on %s without a --token-file from a mounted Secret", c.Name, argAfter(c.Args, "--host"))
				}
			}
			if argAfter(c.Args, "--ship") != "" {
				if f := argAfter(c.Args, "--ship-token-file"); f == "" || !inSecret(f) {
					fail("container %s: ships results without a --ship-token-file from a mounted Secret", c.Name)
				}
			}
		}
	}
	errs = append(errs, policies(ix)...)
	return errs
}

// policies checks that every pod template is behind an ingress NetworkPolicy of its namespace,
// and that each rule names who may come in (an empty `from` is everyone) on ports the selected
// pods declare.
func policies(ix *Index) []error {
	var errs []error
	type policy struct {
		o   Object
		np  *networkingv1.NetworkPolicy
		sel labels.Selector
	}
	var nps []policy
	for _, o := range ix.OfKind("NetworkPolicy") {
		np := o.Obj.(*networkingv1.NetworkPolicy)
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: podSelector: %w", o, err))
			continue
		}
		nps = append(nps, policy{o, np, sel})
	}
	for _, t := range ix.Templates {
		if !slices.ContainsFunc(nps, func(p policy) bool {
			return p.o.Namespace == t.Namespace && slices.Contains(p.np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) &&
				p.sel.Matches(labels.Set(t.Labels))
		}) {
			errs = append(errs, fmt.Errorf("%s: no NetworkPolicy with policyTypes [Ingress] selects its pods: anyone on the cluster network reaches them", t.Owner))
		}
	}
	for _, p := range nps {
		var selected []PodTemplate
		for _, t := range ix.Templates {
			if t.Namespace == p.o.Namespace && p.sel.Matches(labels.Set(t.Labels)) {
				selected = append(selected, t)
			}
		}
		for i, rule := range p.np.Spec.Ingress {
			if len(rule.From) == 0 {
				errs = append(errs, fmt.Errorf("%s: ingress rule %d has no `from`: it lets everyone in", p.o, i))
			}
			for _, port := range rule.Ports {
				if port.Port == nil || port.Port.StrVal != "" {
					continue
				}
				for _, t := range selected {
					if !declaresPort(t.Spec, port.Port.IntVal) {
						errs = append(errs, fmt.Errorf("%s: ingress rule %d opens port %d, which %s does not declare", p.o, i, port.Port.IntVal, t.Owner))
					}
				}
			}
		}
	}
	return errs
}

func declaresPort(spec corev1.PodSpec, port int32) bool {
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if p.ContainerPort == port {
				return true
			}
		}
	}
	return false
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

// argAfter is the argument after a flag ("" when the flag is not there).
func argAfter(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}
