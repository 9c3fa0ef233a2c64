package validate

import (
	"errors"
	"fmt"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Check runs every check over a decoded render and returns all the problems at once.
func Check(objs []Object) error {
	ix := NewIndex(objs)
	var errs []error
	for _, check := range []func(*Index) []error{References, Services, URLs, Monitors, Runners, Expansions, Bindings, Hardening, Tokens, NetworkPolicies, Reach, Adapters, Autoscalers} {
		errs = append(errs, check(ix)...)
	}
	return errors.Join(errs...)
}

// clusterProvided is what a binding of the render may name without the render having it: the
// roles and accounts every cluster makes for itself (kube-apiserver's bootstrap policy, the
// controller manager's accounts), which prometheus-adapter's bindings name.
var clusterProvided = map[string]bool{
	"ClusterRole/system:auth-delegator":                          true,
	"Role/kube-system/extension-apiserver-authentication-reader": true,
	"ServiceAccount/kube-system/horizontal-pod-autoscaler":       true,
}

// Bindings checks that each RoleBinding and ClusterRoleBinding binds a role of the render (or
// one the cluster makes, clusterProvided) to ServiceAccounts of the render (or the cluster's).
func Bindings(ix *Index) []error {
	var errs []error
	check := func(o Object, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
		switch ref.Kind {
		case "Role":
			if _, ok := ix.Get("Role", o.Namespace, ref.Name); !ok && !clusterProvided["Role/"+o.Namespace+"/"+ref.Name] {
				errs = append(errs, fmt.Errorf("%s: Role %q is not in the render", o, ref.Name))
			}
		case "ClusterRole":
			if _, ok := ix.Get("ClusterRole", "", ref.Name); !ok && !clusterProvided["ClusterRole/"+ref.Name] {
				errs = append(errs, fmt.Errorf("%s: ClusterRole %q is not in the render, nor one the cluster makes", o, ref.Name))
			}
		}
		for _, s := range subjects {
			ns := s.Namespace
			if ns == "" {
				ns = o.Namespace
			}
			if s.Kind == rbacv1.ServiceAccountKind && !clusterProvided["ServiceAccount/"+ns+"/"+s.Name] &&
				!slices.ContainsFunc(ix.OfKind("ServiceAccount"), func(sa Object) bool {
					return sa.Name == s.Name && sa.Namespace == ns
				}) {
				errs = append(errs, fmt.Errorf("%s: ServiceAccount %s/%s is not in the render", o, ns, s.Name))
			}
		}
	}
	for _, o := range ix.OfKind("RoleBinding") {
		rb := o.Obj.(*rbacv1.RoleBinding)
		check(o, rb.RoleRef, rb.Subjects)
	}
	for _, o := range ix.OfKind("ClusterRoleBinding") {
		crb := o.Obj.(*rbacv1.ClusterRoleBinding)
		check(o, crb.RoleRef, crb.Subjects)
	}
	return errs
}

// boundAccounts is every ServiceAccount (namespace/name) a RoleBinding or ClusterRoleBinding of
// the render binds.
func boundAccounts(ix *Index) map[string]bool {
	bound := map[string]bool{}
	add := func(o Object, subjects []rbacv1.Subject) {
		for _, s := range subjects {
			ns := s.Namespace
			if ns == "" {
				ns = o.Namespace
			}
			if s.Kind == rbacv1.ServiceAccountKind {
				bound[ns+"/"+s.Name] = true
			}
		}
	}
	for _, o := range ix.OfKind("RoleBinding") {
		add(o, o.Obj.(*rbacv1.RoleBinding).Subjects)
	}
	for _, o := range ix.OfKind("ClusterRoleBinding") {
		add(o, o.Obj.(*rbacv1.ClusterRoleBinding).Subjects)
	}
	return bound
}
