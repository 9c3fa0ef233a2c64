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
// each a port the selected pods declare. One exception: a rule with no `from` on the pods
// behind an APIService (an aggregated API server such as prometheus-adapter), on the port it
// serves only, for the API server proxies to it and is no pod a selector could name (see
// toAggregatedAPI). Whether the connections busybench makes are let in is
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
			if len(rule.From) == 0 && !toAggregatedAPI(ix, selected, rule.Ports) {
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

// toAggregatedAPI reports whether a rule with no `from` only opens an aggregated API server to
// the API server: every pod the policy selects is behind the Service of one APIService of the
// render, and every port of the rule is the container port that APIService's Service port
// targets (one port, not a range). The API server's address is the cluster's own (control-plane nodes, a managed
// service's network), so no peer could name it in every cluster; the server it reaches
// authenticates every request itself.
func toAggregatedAPI(ix *Index, selected []PodTemplate, ports []networkingv1.NetworkPolicyPort) bool {
	if len(selected) == 0 || len(ports) == 0 {
		return false
	}
	for _, api := range apiServerFlows(ix) {
		behind := func(t PodTemplate) bool {
			return slices.ContainsFunc(api, func(f flow) bool { return f.to.Owner == t.Owner })
		}
		opens := func(p networkingv1.NetworkPolicyPort) bool {
			return p.Port != nil && p.EndPort == nil && slices.ContainsFunc(api, func(f flow) bool {
				return portLets([]networkingv1.NetworkPolicyPort{p}, f.port)
			})
		}
		if len(api) > 0 && !slices.ContainsFunc(selected, func(t PodTemplate) bool { return !behind(t) }) &&
			!slices.ContainsFunc(ports, func(p networkingv1.NetworkPolicyPort) bool { return !opens(p) }) {
			return true
		}
	}
	return false
}
