package validate

import (
	"fmt"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// policy is a NetworkPolicy of the render with its pod selector parsed.
type policy struct {
	o   Object
	np  *networkingv1.NetworkPolicy
	sel labels.Selector
}

// ingressPolicies parses the pod selector of every NetworkPolicy with policyTypes Ingress.
func ingressPolicies(ix *Index) ([]policy, []error) {
	var out []policy
	var errs []error
	for _, o := range ix.OfKind("NetworkPolicy") {
		np := o.Obj.(*networkingv1.NetworkPolicy)
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: podSelector: %w", o, err))
			continue
		}
		// No policyTypes is Ingress (the API server fills it in so).
		if len(np.Spec.PolicyTypes) == 0 || slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) {
			out = append(out, policy{o, np, sel})
		}
	}
	return out, errs
}

// selects reports whether the policy applies to the pods of a template.
func (p policy) selects(t PodTemplate) bool {
	return p.o.Namespace == t.Namespace && p.sel.Matches(labels.Set(t.Labels))
}

// NetworkPolicies checks the ingress policies themselves: every pod template is behind one (a
// pod no policy selects takes connections from anyone on the cluster network); each policy
// selects some pod; each rule names who may come in (no `from` is everyone, and so is a peer of
// every pod in every namespace or of every address) and on which ports (none is every port),
// each a port the selected pods declare. Whether the connections busybench makes are let in is
// Reach's (reach.go).
func NetworkPolicies(ix *Index) []error {
	nps, errs := ingressPolicies(ix)
	for _, t := range ix.Templates {
		if !slices.ContainsFunc(nps, func(p policy) bool { return p.selects(t) }) {
			errs = append(errs, fmt.Errorf("%s: no NetworkPolicy with policyTypes [Ingress] selects its pods: anyone on the cluster network reaches them", t.Owner))
		}
	}
	for _, p := range nps {
		var selected []PodTemplate
		for _, t := range ix.Templates {
			if p.selects(t) {
				selected = append(selected, t)
			}
		}
		if len(selected) == 0 {
			errs = append(errs, fmt.Errorf("%s: selects no pod of the render", p.o))
		}
		for i, rule := range p.np.Spec.Ingress {
			fail := func(format string, a ...any) {
				errs = append(errs, fmt.Errorf("%s: ingress rule %d %s", p.o, i, fmt.Sprintf(format, a...)))
			}
			if len(rule.From) == 0 {
				fail("has no `from`: it lets everyone in")
			}
			for _, peer := range rule.From {
				if peer.IPBlock != nil && (peer.IPBlock.CIDR == "0.0.0.0/0" || peer.IPBlock.CIDR == "::/0") {
					fail("lets every address in (ipBlock %s)", peer.IPBlock.CIDR)
				}
				if peer.IPBlock == nil && emptySelector(peer.NamespaceSelector) && emptySelector(peer.PodSelector) && peer.NamespaceSelector != nil {
					fail("lets every pod of every namespace in (namespaceSelector: {} and no podSelector)")
				}
			}
			if len(rule.Ports) == 0 {
				fail("opens every port: name the one the pods serve")
			}
			for _, port := range rule.Ports {
				if port.Port == nil {
					fail("opens every port (an entry with no port): name the one the pods serve")
					continue
				}
				for _, t := range selected {
					if !hasPort(t.Spec, *port.Port) {
						fail("opens port %s, which %s does not declare", port.Port.String(), t.Owner)
					}
				}
			}
		}
	}
	return errs
}

// emptySelector reports whether a selector selects everything ({}, or absent).
func emptySelector(s *metav1.LabelSelector) bool {
	return s == nil || (len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0)
}
