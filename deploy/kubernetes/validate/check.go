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
	for _, check := range []func(*Index) []error{References, Services, URLs, Monitors, Runners, Expansions, Bindings, Hardening, Tokens, NetworkPolicies, Reach} {
		errs = append(errs, check(ix)...)
	}
	return errors.Join(errs...)
}

// Bindings checks that each RoleBinding binds a Role of the render to ServiceAccounts of the
// render (a ClusterRole may come from the cluster).
func Bindings(ix *Index) []error {
	var errs []error
	for _, o := range ix.OfKind("RoleBinding") {
		rb := o.Obj.(*rbacv1.RoleBinding)
		if rb.RoleRef.Kind == "Role" {
			if _, ok := ix.Get("Role", o.Namespace, rb.RoleRef.Name); !ok {
				errs = append(errs, fmt.Errorf("%s: Role %q is not in the render", o, rb.RoleRef.Name))
			}
		}
		for _, s := range rb.Subjects {
			ns := s.Namespace
			if ns == "" {
				ns = o.Namespace
			}
			if s.Kind == rbacv1.ServiceAccountKind && !slices.ContainsFunc(ix.OfKind("ServiceAccount"), func(sa Object) bool {
				return sa.Name == s.Name && sa.Namespace == ns
			}) {
				errs = append(errs, fmt.Errorf("%s: ServiceAccount %s/%s is not in the render", o, ns, s.Name))
			}
		}
	}
	return errs
}
