package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Services checks that every Service selects some pod template in its namespace and that each
// of its target ports is a port of those pods' containers (by name or number).
func Services(ix *Index) []error {
	var errs []error
	for _, o := range ix.OfKind("Service") {
		svc := o.Obj.(*corev1.Service)
		pods := ix.Matching(o.Namespace, svc.Spec.Selector)
		if len(pods) == 0 {
			errs = append(errs, fmt.Errorf("%s: selector %v matches no pod template", o, svc.Spec.Selector))
			continue
		}
		for _, p := range svc.Spec.Ports {
			target := p.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(p.Port)
			}
			if !slices.ContainsFunc(pods, func(t PodTemplate) bool { return hasPort(t.Spec, target) }) {
				errs = append(errs, fmt.Errorf("%s: port %d targets %s, which no selected container declares",
					o, p.Port, target.String()))
			}
		}
	}
	return errs
}

func hasPort(spec corev1.PodSpec, port intstr.IntOrString) bool {
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
				return true
			}
		}
	}
	return false
}

// clusterURL is an address by a bare name (a Service in the pod's namespace), not a name with
// dots (outside) nor loopback.
var clusterURL = regexp.MustCompile(`\bhttps?://([a-z0-9]([-a-z0-9]*[a-z0-9])?):([0-9]+)`)

// URLs checks every http://name:port in a container's command, arguments and environment, and in
// a ConfigMap's data: the name must be a Service of the render in that namespace, and the port
// one of its ports. (`dns+http://busybench-mock-nodes:8000` is checked as the URL it holds.)
func URLs(ix *Index) []error {
	var errs []error
	check := func(where, namespace, text string) {
		for _, m := range clusterURL.FindAllStringSubmatch(text, -1) {
			name, port := m[1], m[3]
			if name == "localhost" {
				continue
			}
			o, ok := ix.Get("Service", namespace, name)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: %s names no Service of the render", where, m[0]))
				continue
			}
			n, _ := strconv.Atoi(port)
			if !slices.ContainsFunc(o.Obj.(*corev1.Service).Spec.Ports, func(p corev1.ServicePort) bool {
				return int(p.Port) == n
			}) {
				errs = append(errs, fmt.Errorf("%s: %s: Service %s has no port %s", where, m[0], name, port))
			}
		}
	}
	for _, t := range ix.Templates {
		for _, c := range containers(t.Spec) {
			where := t.Owner + " container " + c.Name
			check(where, t.Namespace, strings.Join(append(append([]string{}, c.Command...), c.Args...), " "))
			for _, e := range c.Env {
				check(where+" env "+e.Name, t.Namespace, e.Value)
			}
		}
	}
	for _, o := range ix.OfKind("ConfigMap") {
		for k, v := range o.Obj.(*corev1.ConfigMap).Data {
			check(o.String()+" key "+k, o.Namespace, v)
		}
	}
	return errs
}

// Monitors checks the Prometheus Operator's objects: a PodMonitor selects pods that declare its
// port, a ServiceMonitor selects a Service that has its port.
func Monitors(ix *Index) []error {
	var errs []error
	for _, o := range ix.OfKind("PodMonitor") {
		pm := o.Obj.(*monitoringv1.PodMonitor)
		pods := ix.Matching(o.Namespace, pm.Spec.Selector.MatchLabels)
		if len(pods) == 0 {
			errs = append(errs, fmt.Errorf("%s: selector matches no pod template", o))
		}
		for _, e := range pm.Spec.PodMetricsEndpoints {
			if e.Port == nil {
				errs = append(errs, fmt.Errorf("%s: an endpoint without a port name", o))
			} else if !slices.ContainsFunc(pods, func(t PodTemplate) bool { return hasPort(t.Spec, intstr.FromString(*e.Port)) }) {
				errs = append(errs, fmt.Errorf("%s: endpoint port %q is no port of the selected pods", o, *e.Port))
			}
		}
	}
	for _, o := range ix.OfKind("ServiceMonitor") {
		sm := o.Obj.(*monitoringv1.ServiceMonitor)
		var ports []corev1.ServicePort
		for _, s := range ix.OfKind("Service") {
			if s.Namespace == o.Namespace && Selects(sm.Spec.Selector.MatchLabels, s.Obj.(*corev1.Service).Labels) {
				ports = append(ports, s.Obj.(*corev1.Service).Spec.Ports...)
			}
		}
		if len(ports) == 0 {
			errs = append(errs, fmt.Errorf("%s: selector matches no Service", o))
		}
		for _, e := range sm.Spec.Endpoints {
			if !slices.ContainsFunc(ports, func(p corev1.ServicePort) bool { return p.Name == e.Port }) {
				errs = append(errs, fmt.Errorf("%s: endpoint port %q is no port of the selected Services", o, e.Port))
			}
		}
	}
	return errs
}
