package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	"sigs.k8s.io/yaml"
)

// client is who opens a connection: the pods of a template of the render, or pods outside it
// (the Prometheus Operator's Prometheus), known by their labels only.
type client struct {
	name      string
	namespace string
	outside   bool
	labels    map[string]string
}

// flow is a connection the render makes: from a client to a pod's container port.
type flow struct {
	from client
	to   PodTemplate
	port corev1.ContainerPort
	why  string
}

// operatorPrometheus is the Prometheus Operator's Prometheus as kube-prometheus-stack labels its
// pods, in a namespace of its own: what the PodMonitor and ServiceMonitor have scrape.
var operatorPrometheus = client{
	name:    "the Prometheus Operator's Prometheus (app.kubernetes.io/name=prometheus, its own namespace)",
	outside: true,
	labels:  map[string]string{"app.kubernetes.io/name": "prometheus"},
}

// apiServer is the API server proxying to an aggregated API server (an APIService's Service):
// outside every namespace, with no labels a selector could match.
func apiServer(apiService string) client {
	return client{name: "the API server (APIService " + apiService + ")", outside: true}
}

// apiServerFlows is, for each APIService of the render with a Service, the connections the API
// server makes to the pods behind it, on the port that Service port targets.
func apiServerFlows(ix *Index) [][]flow {
	var out [][]flow
	for _, o := range ix.OfKind("APIService") {
		ref := o.Obj.(*apiregistrationv1.APIService).Spec.Service
		if ref == nil {
			continue
		}
		s, ok := ix.Get("Service", ref.Namespace, ref.Name)
		if !ok {
			continue // Adapters reports it
		}
		port := int32(443) // the API's default
		if ref.Port != nil {
			port = *ref.Port
		}
		svc := s.Obj.(*corev1.Service)
		var flows []flow
		for _, sp := range svc.Spec.Ports {
			if sp.Port == port {
				flows = append(flows, toServicePort(ix, apiServer(o.Name), s.Namespace, svc, sp, o.String())...)
			}
		}
		out = append(out, flows)
	}
	return out
}

// Reach checks that the NetworkPolicies let in every connection busybench makes: a default deny
// that forgot one would pass every other check and break the run in a cluster whose CNI enforces
// policies. The connections are read from the render: each http://name:port in a container's
// command, arguments and environment and in the YAML of the ConfigMaps it mounts (Alertmanager's
// webhook), Prometheus's static targets and the pods its role-pod discovery keeps (its keep and
// drop relabelling, evaluated on each container port), and what a PodMonitor or ServiceMonitor
// has the operator's Prometheus scrape, and the API server's to each APIService's Service.
func Reach(ix *Index) []error {
	nps, _ := ingressPolicies(ix) // a selector that does not parse is NetworkPolicies' to report
	var errs []error
	seen := map[string]bool{}
	for _, f := range flows(ix) {
		k := fmt.Sprintf("%s|%s|%d", f.from.name, f.to.Owner, f.port.ContainerPort)
		if seen[k] {
			continue
		}
		seen[k] = true
		if !allowed(ix, nps, f) {
			errs = append(errs, fmt.Errorf("%s → %s port %d (%s): no NetworkPolicy lets it in",
				f.from.name, f.to.Owner, f.port.ContainerPort, f.why))
		}
	}
	return errs
}

// hostPort is a Prometheus target by a bare name (a Service in the namespace).
var hostPort = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?):([0-9]+)$`)

// flows is every connection the render makes (see Reach).
func flows(ix *Index) []flow {
	var out []flow
	for _, t := range ix.Templates {
		from := client{name: t.Owner, namespace: t.Namespace, labels: t.Labels}
		for _, c := range containers(t.Spec) {
			texts := append(append([]string{}, c.Command...), c.Args...)
			for _, e := range c.Env {
				texts = append(texts, e.Value)
			}
			for _, u := range clusterURL.FindAllStringSubmatch(strings.Join(texts, " "), -1) {
				out = append(out, toService(ix, from, u[1], u[3], u[0]+" in container "+c.Name)...)
			}
			for _, cm := range mountedConfigMaps(ix, t, c) {
				for key, text := range cm.Data {
					where := fmt.Sprintf("ConfigMap %s key %s", cm.Name, key)
					var doc any
					if yaml.Unmarshal([]byte(text), &doc) != nil {
						continue
					}
					yamlStrings(doc, "", func(k, s string) {
						for _, u := range clusterURL.FindAllStringSubmatch(s, -1) {
							out = append(out, toService(ix, from, u[1], u[3], u[0]+" in "+where)...)
						}
						if m := hostPort.FindStringSubmatch(s); k == "targets" && m != nil && m[1] != "localhost" {
							out = append(out, toService(ix, from, m[1], m[3], "target "+s+" in "+where)...)
						}
					})
					out = append(out, discovered(ix, from, doc, where)...)
				}
			}
		}
	}
	for _, api := range apiServerFlows(ix) {
		out = append(out, api...)
	}
	return append(out, monitored(ix)...)
}

// toService is a connection to a Service's port: to each pod it selects, on the target port.
func toService(ix *Index, from client, name, port, why string) []flow {
	o, ok := ix.Get("Service", from.namespace, name)
	if !ok {
		return nil // URLs reports it
	}
	svc := o.Obj.(*corev1.Service)
	n, _ := strconv.Atoi(port)
	for _, sp := range svc.Spec.Ports {
		if int(sp.Port) == n {
			return toServicePort(ix, from, o.Namespace, svc, sp, why)
		}
	}
	return nil
}

func toServicePort(ix *Index, from client, namespace string, svc *corev1.Service, sp corev1.ServicePort, why string) []flow {
	target := sp.TargetPort
	if target.Type == intstr.Int && target.IntVal == 0 {
		target = intstr.FromInt32(sp.Port)
	}
	var out []flow
	for _, t := range ix.Matching(namespace, svc.Spec.Selector) {
		for _, c := range t.Spec.Containers {
			for _, p := range c.Ports {
				if (target.Type == intstr.String && p.Name == target.StrVal) || (target.Type == intstr.Int && p.ContainerPort == target.IntVal) {
					out = append(out, flow{from, t, p, why})
				}
			}
		}
	}
	return out
}

// discovered is what a Prometheus configuration's role-pod discovery scrapes: each container
// port of the pods in its namespaces that its keep and drop relabelling lets through. Meta labels
// known only once a pod runs (its name, address, node) read as empty.
func discovered(ix *Index, from client, doc any, where string) []flow {
	config, _ := doc.(map[string]any)
	jobs, _ := config["scrape_configs"].([]any)
	var out []flow
	for _, j := range jobs {
		job, _ := j.(map[string]any)
		sds, _ := job["kubernetes_sd_configs"].([]any)
		rules, _ := job["relabel_configs"].([]any)
		for _, s := range sds {
			sd, _ := s.(map[string]any)
			if sd["role"] != "pod" {
				continue
			}
			namespaces := sdNamespaces(sd, from.namespace)
			for _, t := range ix.Templates {
				if namespaces != nil && !slices.Contains(namespaces, t.Namespace) {
					continue
				}
				for _, c := range t.Spec.Containers {
					for _, p := range c.Ports {
						if kept(rules, podTargetLabels(t, c, p)) {
							out = append(out, flow{from, t, p, fmt.Sprintf("job %v's pod discovery in %s", job["job_name"], where)})
						}
					}
				}
			}
		}
	}
	return out
}

// sdNamespaces is the namespaces a discovery block reads (nil: all of them).
func sdNamespaces(sd map[string]any, own string) []string {
	ns, _ := sd["namespaces"].(map[string]any)
	var out []string
	if ns["own_namespace"] == true {
		out = append(out, own)
	}
	names, _ := ns["names"].([]any)
	for _, n := range names {
		out = append(out, fmt.Sprint(n))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

var unsafeLabelChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// podTargetLabels is the meta labels role pod gives a container port's target, those known before the
// pod runs.
func podTargetLabels(t PodTemplate, c corev1.Container, p corev1.ContainerPort) map[string]string {
	protocol := string(p.Protocol)
	if protocol == "" {
		protocol = string(corev1.ProtocolTCP)
	}
	meta := map[string]string{
		"__meta_kubernetes_namespace":                   t.Namespace,
		"__meta_kubernetes_pod_container_name":          c.Name,
		"__meta_kubernetes_pod_container_init":          "false",
		"__meta_kubernetes_pod_container_port_name":     p.Name,
		"__meta_kubernetes_pod_container_port_number":   strconv.Itoa(int(p.ContainerPort)),
		"__meta_kubernetes_pod_container_port_protocol": protocol,
		"__meta_kubernetes_pod_container_image":         c.Image,
	}
	for k, v := range t.Labels {
		name := unsafeLabelChars.ReplaceAllString(k, "_")
		meta["__meta_kubernetes_pod_label_"+name] = v
		meta["__meta_kubernetes_pod_labelpresent_"+name] = "true"
	}
	return meta
}

// kept applies the keep and drop actions of a relabelling to a target's labels (the other
// actions rename and rewrite; they do not decide whether it is scraped).
func kept(rules []any, meta map[string]string) bool {
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		action, _ := rule["action"].(string)
		if action != "keep" && action != "drop" {
			continue
		}
		sep, ok := rule["separator"].(string)
		if !ok {
			sep = ";"
		}
		var values []string
		sources, _ := rule["source_labels"].([]any)
		for _, s := range sources {
			values = append(values, meta[fmt.Sprint(s)])
		}
		expr, ok := rule["regex"].(string)
		if !ok {
			expr = "(.*)"
		}
		re, err := regexp.Compile("^(?:" + expr + ")$")
		if err != nil {
			return false // promtool reports it
		}
		if match := re.MatchString(strings.Join(values, sep)); match != (action == "keep") {
			return false
		}
	}
	return true
}

// monitored is what the PodMonitors and ServiceMonitors have the operator's Prometheus scrape.
func monitored(ix *Index) []flow {
	var out []flow
	for _, o := range ix.OfKind("PodMonitor") {
		pm := o.Obj.(*monitoringv1.PodMonitor)
		for _, e := range pm.Spec.PodMetricsEndpoints {
			if e.Port == nil {
				continue // Monitors reports it
			}
			for _, t := range ix.Matching(o.Namespace, pm.Spec.Selector.MatchLabels) {
				for _, c := range t.Spec.Containers {
					for _, p := range c.Ports {
						if p.Name == *e.Port {
							out = append(out, flow{operatorPrometheus, t, p, o.String()})
						}
					}
				}
			}
		}
	}
	for _, o := range ix.OfKind("ServiceMonitor") {
		sm := o.Obj.(*monitoringv1.ServiceMonitor)
		for _, s := range ix.OfKind("Service") {
			svc := s.Obj.(*corev1.Service)
			if s.Namespace != o.Namespace || !Selects(sm.Spec.Selector.MatchLabels, svc.Labels) {
				continue
			}
			for _, e := range sm.Spec.Endpoints {
				for _, sp := range svc.Spec.Ports {
					if sp.Name == e.Port {
						out = append(out, toServicePort(ix, operatorPrometheus, s.Namespace, svc, sp, o.String())...)
					}
				}
			}
		}
	}
	return out
}

// allowed reports whether the ingress policies let a flow in: no policy selects the pods (they
// are not isolated), or a rule of one that does lets in the client on that port.
func allowed(ix *Index, nps []policy, f flow) bool {
	isolated := false
	for _, p := range nps {
		if !p.selects(f.to) {
			continue
		}
		isolated = true
		for _, rule := range p.np.Spec.Ingress {
			if !portLets(rule.Ports, f.port) {
				continue
			}
			if len(rule.From) == 0 || slices.ContainsFunc(rule.From, func(peer networkingv1.NetworkPolicyPeer) bool {
				return peerLets(ix, peer, p.o.Namespace, f.from)
			}) {
				return true
			}
		}
	}
	return !isolated
}

func portLets(ports []networkingv1.NetworkPolicyPort, cp corev1.ContainerPort) bool {
	if len(ports) == 0 {
		return true
	}
	protocol := cp.Protocol
	if protocol == "" {
		protocol = corev1.ProtocolTCP
	}
	for _, np := range ports {
		if np.Protocol != nil && *np.Protocol != protocol {
			continue
		}
		switch {
		case np.Port == nil:
			return true
		case np.Port.Type == intstr.String:
			if np.Port.StrVal == cp.Name {
				return true
			}
		case np.EndPort != nil:
			if np.Port.IntVal <= cp.ContainerPort && cp.ContainerPort <= *np.EndPort {
				return true
			}
		case np.Port.IntVal == cp.ContainerPort:
			return true
		}
	}
	return false
}

// peerLets reports whether a rule's peer is the client. An ipBlock is never a pod here (pods'
// addresses are not known before they run); a client outside the render has namespace labels
// nobody knows, so only a namespaceSelector of every namespace lets it in.
func peerLets(ix *Index, peer networkingv1.NetworkPolicyPeer, policyNamespace string, c client) bool {
	if peer.IPBlock != nil {
		return false
	}
	if peer.NamespaceSelector == nil {
		if c.outside || c.namespace != policyNamespace {
			return false
		}
	} else {
		sel, err := metav1.LabelSelectorAsSelector(peer.NamespaceSelector)
		if err != nil {
			return false
		}
		if c.outside && !sel.Empty() {
			return false
		}
		if !c.outside && !sel.Matches(labels.Set(namespaceLabels(ix, c.namespace))) {
			return false
		}
	}
	if peer.PodSelector == nil {
		return true
	}
	sel, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
	return err == nil && sel.Matches(labels.Set(c.labels))
}

// namespaceLabels is a namespace's labels as a namespaceSelector sees them: the Namespace's own,
// if the render has it, and kubernetes.io/metadata.name, which the API server sets on each.
func namespaceLabels(ix *Index, namespace string) map[string]string {
	out := map[string]string{"kubernetes.io/metadata.name": namespace}
	if o, ok := ix.Get("Namespace", "", namespace); ok {
		for k, v := range o.Obj.(*corev1.Namespace).Labels {
			out[k] = v
		}
	}
	return out
}

// mountedConfigMaps is the ConfigMaps of the render a container mounts (whole, not by subPath).
func mountedConfigMaps(ix *Index, t PodTemplate, c corev1.Container) []*corev1.ConfigMap {
	var out []*corev1.ConfigMap
	for _, m := range c.VolumeMounts {
		i := slices.IndexFunc(t.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name })
		if i < 0 || t.Spec.Volumes[i].ConfigMap == nil || m.SubPath != "" {
			continue
		}
		if o, ok := ix.Get("ConfigMap", t.Namespace, t.Spec.Volumes[i].ConfigMap.Name); ok {
			out = append(out, o.Obj.(*corev1.ConfigMap))
		}
	}
	return out
}

// yamlStrings calls visit with every string of a decoded YAML document and the key of the
// mapping entry it is in (an item of a list: the list's key).
func yamlStrings(node any, key string, visit func(key, s string)) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			yamlStrings(v, k, visit)
		}
	case []any:
		for _, v := range n {
			yamlStrings(v, key, visit)
		}
	case string:
		visit(key, n)
	}
}
