package validate

import (
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
)

// broken returns a deep copy of objs with the object of that kind and name changed.
func broken(t *testing.T, objs []Object, kind, name string, change func(runtime.Object)) []Object {
	t.Helper()
	out := make([]Object, len(objs))
	found := false
	for i, o := range objs {
		out[i] = Object{Rendered: o.Rendered, Obj: o.Obj.DeepCopyObject()}
		if o.Kind == kind && o.Name == name {
			change(out[i].Obj)
			found = true
		}
	}
	if !found {
		t.Fatalf("no %s/%s to break", kind, name)
	}
	return out
}

func runner(o runtime.Object) *corev1.Container {
	return &o.(*batchv1.Job).Spec.Template.Spec.Containers[0]
}

func mock(o runtime.Object) *corev1.PodSpec { return &o.(*appsv1.Deployment).Spec.Template.Spec }

func i32(n int32) *int32 { return &n }

func hpa(o runtime.Object) *autoscalingv2.HorizontalPodAutoscalerSpec {
	return &o.(*autoscalingv2.HorizontalPodAutoscaler).Spec
}

// generated is the name of the ConfigMap with that name label (generated: its name has a hash).
func generated(t *testing.T, objs []Object, nameLabel string) string {
	t.Helper()
	for _, o := range objs {
		if cm, ok := o.Obj.(*corev1.ConfigMap); ok && cm.Labels["app.kubernetes.io/name"] == nameLabel {
			return o.Name
		}
	}
	t.Fatalf("no ConfigMap labelled %s", nameLabel)
	return ""
}

// edit replaces old with new in a ConfigMap's key (the test fails if old is not there).
func edit(t *testing.T, key, old, new string) func(runtime.Object) {
	return func(o runtime.Object) {
		cm := o.(*corev1.ConfigMap)
		if !strings.Contains(cm.Data[key], old) {
			t.Fatalf("%s has no %q", key, old)
		}
		cm.Data[key] = strings.Replace(cm.Data[key], old, new, 1)
	}
}

func setArg(c *corev1.Container, after, value string) {
	for i, a := range c.Args {
		if a == after {
			c.Args[i+1] = value
		}
	}
}

func TestChecksCatchWhatWouldBreakInACluster(t *testing.T) {
	local := load(t, "overlays/local")
	operator := load(t, "overlays/prometheus-operator")
	auto := load(t, "overlays/autoscaled")
	adapterConfig := generated(t, auto, "busybench-prometheus-adapter")
	promConfig := generated(t, auto, "busybench-prometheus")
	for _, tc := range []struct {
		name       string
		objs       []Object
		kind, obj  string
		change     func(runtime.Object)
		wantInText string
	}{
		{"runner count changed in one place only", local, "Job", "busybench-runners",
			func(o runtime.Object) { o.(*batchv1.Job).Spec.Completions = i32(5) },
			"completions 5 and parallelism 3 differ"},
		{"completions and parallelism changed, not the segment", local, "Job", "busybench-runners",
			func(o runtime.Object) {
				o.(*batchv1.Job).Spec.Completions, o.(*batchv1.Job).Spec.Parallelism = i32(5), i32(5)
			}, "n = 3, but completions = 5"},
		{"retries allowed", local, "Job", "busybench-runners",
			func(o runtime.Object) { o.(*batchv1.Job).Spec.BackoffLimitPerIndex = i32(1) }, "never be retried"},
		{"not Indexed", local, "Job", "busybench-runners",
			func(o runtime.Object) { o.(*batchv1.Job).Spec.CompletionMode = nil }, "completionMode Indexed"},
		{"the index not declared, so never expanded", local, "Job", "busybench-runners",
			func(o runtime.Object) { runner(o).Env = runner(o).Env[1:] }, "$(JOB_COMPLETION_INDEX) in"},
		{"shipping to a port the collector's Service lacks", local, "Job", "busybench-runners",
			func(o runtime.Object) { setArg(runner(o), "--ship", "http://busybench-collector:9465") },
			"Service busybench-collector has no port 9465"},
		{"loading a Service that does not exist", local, "Job", "busybench-runners",
			func(o runtime.Object) { setArg(runner(o), "-t", "http://busybench-mocks:8000") }, "names no Service"},
		{"a scenario file the ConfigMap lacks", local, "Deployment", "busybench-mock",
			func(o runtime.Object) {
				setArg(&mock(o).Containers[0], "--scenario", "/etc/busybench/peak-hour.yaml")
			}, `has no key "peak-hour.yaml"`},
		{"a ConfigMap not in the render", local, "Deployment", "busybench-mock",
			func(o runtime.Object) { mock(o).Volumes[0].ConfigMap.Name = "busybench-scenario" },
			`ConfigMap "busybench-scenario" is not in the render`},
		{"a claim not in the render", local, "Deployment", "busybench-collector",
			func(o runtime.Object) { mock(o).Volumes[0].PersistentVolumeClaim.ClaimName = "results" },
			`PersistentVolumeClaim "results" is not in the render`},
		{"a ServiceAccount not in the render", local, "Deployment", "busybench-prometheus",
			func(o runtime.Object) { mock(o).ServiceAccountName = "prometheus" }, `ServiceAccount "prometheus"`},
		{"a probe on a port the container lacks", local, "Deployment", "busybench-mock",
			func(o runtime.Object) { mock(o).Containers[0].ReadinessProbe.HTTPGet.Port = intstr.FromString("api") },
			`probes port "api"`},
		{"a Service selecting no pod", local, "Service", "busybench-mock-nodes",
			func(o runtime.Object) { o.(*corev1.Service).Spec.Selector["app.kubernetes.io/name"] = "mock" },
			"matches no pod template"},
		{"a Service targeting a port no container has", local, "Service", "busybench-collector",
			func(o runtime.Object) { o.(*corev1.Service).Spec.Ports[0].TargetPort = intstr.FromInt32(9465) },
			"which no selected container declares"},
		{"a binding to an account not in the render", local, "RoleBinding", "busybench-prometheus",
			func(o runtime.Object) { o.(*rbacv1.RoleBinding).Subjects[0].Name = "prometheus" },
			"ServiceAccount busybench/prometheus is not in the render"},
		{"a PodMonitor on a port the mock lacks", operator, "PodMonitor", "busybench-mock",
			func(o runtime.Object) {
				port := "metrics"
				o.(*monitoringv1.PodMonitor).Spec.PodMetricsEndpoints[0].Port = &port
			}, `endpoint port "metrics"`},
		{"a ServiceMonitor selecting no Service", operator, "ServiceMonitor", "busybench-collector",
			func(o runtime.Object) {
				o.(*monitoringv1.ServiceMonitor).Spec.Selector.MatchLabels["app.kubernetes.io/name"] = "collector"
			}, "matches no Service"},
		// Hardening (issue 26): each of its rules, broken once.
		{"a writable root filesystem", local, "Deployment", "busybench-mock",
			func(o runtime.Object) { mock(o).Containers[0].SecurityContext.ReadOnlyRootFilesystem = nil },
			"container mock: the root filesystem is writable"},
		{"an init container's writable root filesystem", local, "Job", "busybench-runners",
			func(o runtime.Object) {
				f := false
				o.(*batchv1.Job).Spec.Template.Spec.InitContainers[0].SecurityContext.ReadOnlyRootFilesystem = &f
			}, "container wait-for-mock: the root filesystem is writable"},
		{"a service-account token in a pod that needs none", local, "Deployment", "busybench-collector",
			func(o runtime.Object) { mock(o).AutomountServiceAccountToken = nil },
			"mounts a service-account token it has no use for"},
		{"the image at latest", local, "Job", "busybench-runners",
			func(o runtime.Object) { runner(o).Image = "busybench:latest" }, `image "busybench:latest" is not a version`},
		{"the image without a tag", local, "Deployment", "busybench-collector",
			func(o runtime.Object) { mock(o).Containers[0].Image = "registry.example.com/busybench" },
			"is not a version"},
		{"the lifecycle API", local, "Deployment", "busybench-prometheus",
			func(o runtime.Object) {
				mock(o).Containers[0].Args = append(mock(o).Containers[0].Args, "--web.enable-lifecycle")
			}, "--web.enable-lifecycle lets anyone"},
		{"the collector on the network without its token", local, "Deployment", "busybench-collector",
			func(o runtime.Object) { setArg(&mock(o).Containers[0], "--token-file", "/tmp/token") },
			"the collector listens on 0.0.0.0 without a --token-file from a mounted Secret"},
		{"a runner shipping without the token", local, "Job", "busybench-runners",
			func(o runtime.Object) { setArg(runner(o), "--ship-token-file", "/spool/token") },
			"ships results without a --ship-token-file from a mounted Secret"},
		{"a pod behind no policy", local, "Deployment", "busybench-mock",
			func(o runtime.Object) {
				o.(*appsv1.Deployment).Spec.Template.Labels = map[string]string{"app.kubernetes.io/name": "mock-elsewhere"}
			}, "no NetworkPolicy with policyTypes [Ingress] selects its pods"},
		{"a policy letting everyone in", local, "NetworkPolicy", "busybench-collector",
			func(o runtime.Object) { o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From = nil },
			"ingress rule 0 has no `from`: it lets everyone in"},
		{"a policy opening a port the pods lack", local, "NetworkPolicy", "busybench-mock",
			func(o runtime.Object) {
				p := intstr.FromInt32(8001)
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].Ports[0].Port = &p
			}, "opens port 8001, which Deployment/busybench/busybench-mock does not declare"},
		{"a policy opening a named port the pods lack", local, "NetworkPolicy", "busybench-collector",
			func(o runtime.Object) {
				p := intstr.FromString("metrics")
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].Ports[0].Port = &p
			}, "opens port metrics, which Deployment/busybench/busybench-collector does not declare"},
		{"a policy opening every port", local, "NetworkPolicy", "busybench-mock",
			func(o runtime.Object) { o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].Ports = nil },
			"ingress rule 0 opens every port"},
		{"a policy letting every pod of every namespace in", local, "NetworkPolicy", "busybench-prometheus",
			func(o runtime.Object) { o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector = nil },
			"lets every pod of every namespace in"},
		{"a policy letting every address in", local, "NetworkPolicy", "busybench-alertmanager",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From = []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}}
			}, "lets every address in (ipBlock 0.0.0.0/0)"},
		{"a policy selecting no pod", local, "NetworkPolicy", "busybench-alertmanager",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.PodSelector.MatchLabels["app.kubernetes.io/name"] = "alertmanager"
			}, "NetworkPolicy/busybench/busybench-alertmanager: selects no pod of the render"},
		// Reach: each kind of connection it reads, shut out once.
		{"the runners shut out of the mock (their arguments)", local, "NetworkPolicy", "busybench-mock",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchExpressions[0].Values = []string{"busybench-collector", "busybench-prometheus"}
			}, "Job/busybench/busybench-runners → Deployment/busybench/busybench-mock port 8000 (http://busybench-mock:8000 in container"},
		{"Alertmanager's webhook shut out (its configuration)", local, "NetworkPolicy", "busybench-collector",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchExpressions[0].Values = []string{"busybench-runner", "busybench-prometheus"}
			}, "Deployment/busybench/busybench-alertmanager → Deployment/busybench/busybench-collector port 9464 (http://busybench-collector:9464 in ConfigMap"},
		{"Prometheus's discovery shut out of the collector", local, "NetworkPolicy", "busybench-collector",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchExpressions[0].Values = []string{"busybench-runner", "busybench-alertmanager"}
			}, "Deployment/busybench/busybench-prometheus → Deployment/busybench/busybench-collector port 9464 (job busybench's pod discovery"},
		{"Prometheus's alerts shut out of Alertmanager (a static target)", local, "NetworkPolicy", "busybench-alertmanager",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/name"] = "prometheus"
			}, "Deployment/busybench/busybench-prometheus → Deployment/busybench/busybench-alertmanager port 9093 (target busybench-alertmanager:9093"},
		{"a selector turned inside out shuts the collector's scrape out", local, "NetworkPolicy", "busybench-mock",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchExpressions[0].Operator = "NotIn"
			},
			"Deployment/busybench/busybench-collector → Deployment/busybench/busybench-mock port 8000 (http://busybench-mock-nodes:8000"},
		{"the operator's Prometheus shut out of the mock (the PodMonitor)", operator, "NetworkPolicy", "busybench-mock-operator-prometheus",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].NamespaceSelector = nil
			},
			"the Prometheus Operator's Prometheus (app.kubernetes.io/name=prometheus, its own namespace) → Deployment/busybench/busybench-mock port 8000 (PodMonitor/busybench/busybench-mock)"},
		{"the operator's Prometheus shut out of the collector (the ServiceMonitor)", operator, "NetworkPolicy", "busybench-collector-operator-monitoring",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchExpressions[0].Values = []string{"alertmanager"}
			}, "→ Deployment/busybench/busybench-collector port 9464 (ServiceMonitor/busybench/busybench-collector)"},
		// Tokens, beyond the two above.
		{"the collector on the network with --insecure", local, "Deployment", "busybench-collector",
			func(o runtime.Object) { mock(o).Containers[0].Args = append(mock(o).Containers[0].Args, "--insecure") },
			"the collector listens on 0.0.0.0 with --insecure"},
		{"the collector's --host=0.0.0.0 without a token", local, "Deployment", "busybench-collector",
			func(o runtime.Object) {
				c := &mock(o).Containers[0]
				c.Args = slices.DeleteFunc(c.Args, func(a string) bool {
					return a == "--token-file" || a == "/etc/busybench/secrets/collector-token"
				})
				i := slices.Index(c.Args, "--host")
				c.Args = slices.Replace(c.Args, i, i+2, "--host=0.0.0.0")
			}, "the collector listens on 0.0.0.0 without a --token-file from a mounted Secret: no --token-file"},
		{"a token file the Secret has no key for", local, "Job", "busybench-runners",
			func(o runtime.Object) { setArg(runner(o), "--ship-token-file", "/etc/busybench/secrets/token") },
			`ships results without a --ship-token-file from a mounted Secret: is no key of Secret "busybench-token-`},
		{"Alertmanager's credentials file in no mounted Secret", local, "Deployment", "busybench-alertmanager",
			func(o runtime.Object) { mock(o).Containers[0].VolumeMounts[2].MountPath = "/etc/alertmanager/token" },
			`container alertmanager: credentials_file /etc/alertmanager/secrets/collector-token (ConfigMap busybench-alertmanager-`},
		// Hardening, beyond the ones above.
		{"a busybench container without /tmp", local, "Job", "busybench-runners",
			func(o runtime.Object) { o.(*batchv1.Job).Spec.Template.Spec.InitContainers[0].VolumeMounts = nil },
			"container wait-for-mock: no writable emptyDir at /tmp"},
		// Autoscaling (overlays/autoscaled): the HPA against what it scales and reads.
		{"an HPA scaling a Deployment not in the render", auto, "HorizontalPodAutoscaler", "busybench-mock",
			func(o runtime.Object) { hpa(o).ScaleTargetRef.Name = "mock" },
			"scaleTargetRef apps/v1 Deployment/mock is no Deployment of the render"},
		{"an HPA scaling another kind", auto, "HorizontalPodAutoscaler", "busybench-mock",
			func(o runtime.Object) { hpa(o).ScaleTargetRef.Kind = "StatefulSet" },
			"scaleTargetRef apps/v1 StatefulSet/busybench-mock is no Deployment of the render"},
		{"an HPA with min above max", auto, "HorizontalPodAutoscaler", "busybench-mock",
			func(o runtime.Object) { hpa(o).MinReplicas = i32(21) }, "minReplicas 21, maxReplicas 20"},
		{"CPU utilisation of a container with no CPU request", auto, "Deployment", "busybench-mock",
			func(o runtime.Object) { delete(mock(o).Containers[0].Resources.Requests, corev1.ResourceCPU) },
			"container mock of Deployment busybench-mock requests no CPU"},
		{"a Pods metric no adapter serves", auto, "HorizontalPodAutoscaler", "busybench-mock",
			func(o runtime.Object) { hpa(o).Metrics[1].Pods.Metric.Name = "busybench_mock_requests_rate" },
			`Pods metric "busybench_mock_requests_rate" is one no custom metrics adapter of the render serves`},
		// prometheus-adapter's rules: decoded strictly, each query parsed as the adapter fills it.
		{"an adapter rule with a field the adapter does not have", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "metricsQuery:", "metricQuery:"),
			"field metricQuery not found in type validate.AdapterRule"},
		{"an adapter query that does not parse", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "[1m])) by", "[1m]) by"), "metricsQuery, filled as the adapter fills it"},
		{"an adapter query not by pod", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", " by (<<.GroupBy>>)", ""), "is not aggregated by (pod)"},
		{"an adapter series query that does not parse", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", `pod!=""}`, `pod!=""`), "parse error: unexpected end of input inside braces"},
		{"an adapter query naming a field the adapter does not fill", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "rate(<<.Series>>", "rate(<<.Metric>>"), "can't evaluate field Metric"},
		{"an adapter name that does not match the series", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "^busybench_mock_requests_total$", "^busybench_mock_request_total$"),
			"does not match busybench_mock_requests_total"},
		{"an adapter rule with no pod label", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "pod: { resource: pod }", "node: { resource: node }"),
			"maps no label to namespace and to pod"},
		{"an adapter rule on a label Prometheus does not give", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "pod: { resource: pod }", "kubernetes_pod: { resource: pod }"),
			`maps label "kubernetes_pod", which Prometheus (Service busybench-prometheus) gives no series`},
		{"an adapter series filter that drops the series", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "    name:\n", "    seriesFilters: [{ isNot: _total$ }]\n    name:\n"),
			"seriesFilters 0 filters busybench_mock_requests_total out"},
		{"an adapter resource window that is no duration", auto, "ConfigMap", adapterConfig,
			edit(t, "config.yaml", "rules:\n", "resourceRules: { window: 1 minute }\nrules:\n"),
			`in duration "1 minute"`},
		{"an APIService backed by a Service not in the render", auto, "APIService", "v1beta1.custom.metrics.k8s.io",
			func(o runtime.Object) { o.(*apiregistrationv1.APIService).Spec.Service.Name = "prometheus-adapter" },
			"APIService/v1beta1.custom.metrics.k8s.io: Service busybench/prometheus-adapter is not in the render"},
		{"Prometheus no longer labelling series with their pod", auto, "ConfigMap", promConfig,
			edit(t, "prometheus.yml", "target_label: pod", "target_label: kubernetes_pod"),
			`maps label "pod", which Prometheus (Service busybench-prometheus) gives no series`},
		{"an adapter without its rules", auto, "Deployment", "busybench-prometheus-adapter",
			func(o runtime.Object) {
				c := &mock(o).Containers[0]
				c.Args = slices.DeleteFunc(c.Args, func(a string) bool { return strings.HasPrefix(a, "--config=") })
			}, "serves v1beta1.custom.metrics.k8s.io without --config"},
		// The adapter's NetworkPolicies: the API server's exception stays narrow, both ways are let in.
		{"the API server's exception widened to every busybench pod", auto, "NetworkPolicy", "busybench-prometheus-adapter",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.PodSelector.MatchLabels = map[string]string{"app.kubernetes.io/part-of": "busybench"}
			}, "NetworkPolicy/busybench/busybench-prometheus-adapter: ingress rule 0 has no `from`: it lets everyone in"},
		{"the API server's exception on a port the APIService does not use", auto, "APIService", "v1beta1.custom.metrics.k8s.io",
			func(o runtime.Object) { o.(*apiregistrationv1.APIService).Spec.Service.Port = i32(8443) },
			"NetworkPolicy/busybench/busybench-prometheus-adapter: ingress rule 0 has no `from`: it lets everyone in"},
		{"the API server's exception over a port range", auto, "NetworkPolicy", "busybench-prometheus-adapter",
			func(o runtime.Object) { o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].Ports[0].EndPort = i32(7000) },
			"NetworkPolicy/busybench/busybench-prometheus-adapter: ingress rule 0 has no `from`: it lets everyone in"},
		{"the API server shut out of the adapter", auto, "NetworkPolicy", "busybench-prometheus-adapter",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From = []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{
					MatchLabels: map[string]string{"app.kubernetes.io/name": "kube-apiserver"},
				}}}
			}, "the API server (APIService v1beta1.custom.metrics.k8s.io) → Deployment/busybench/busybench-prometheus-adapter port 6443"},
		{"the adapter shut out of Prometheus", auto, "NetworkPolicy", "busybench-prometheus-from-adapter",
			func(o runtime.Object) {
				o.(*networkingv1.NetworkPolicy).Spec.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/name"] = "prometheus-adapter"
			}, "Deployment/busybench/busybench-prometheus-adapter → Deployment/busybench/busybench-prometheus port 9090 (http://busybench-prometheus:9090 in container prometheus-adapter)"},
		// The adapter's hardening and bindings.
		{"the adapter's token without a binding", auto, "Deployment", "busybench-prometheus-adapter",
			func(o runtime.Object) { mock(o).ServiceAccountName = "" },
			"Deployment/busybench/busybench-prometheus-adapter: mounts a service-account token it has no use for"},
		{"the adapter's image without a tag", auto, "Deployment", "busybench-prometheus-adapter",
			func(o runtime.Object) {
				mock(o).Containers[0].Image = "registry.k8s.io/prometheus-adapter/prometheus-adapter"
			}, `image "registry.k8s.io/prometheus-adapter/prometheus-adapter" is not a version`},
		{"the adapter's writable root filesystem", auto, "Deployment", "busybench-prometheus-adapter",
			func(o runtime.Object) { mock(o).Containers[0].SecurityContext.ReadOnlyRootFilesystem = nil },
			"container prometheus-adapter: the root filesystem is writable"},
		{"a ClusterRoleBinding to a ClusterRole nobody makes", auto, "ClusterRoleBinding", "busybench-prometheus-adapter-auth-delegator",
			func(o runtime.Object) { o.(*rbacv1.ClusterRoleBinding).RoleRef.Name = "system:auth-delegate" },
			`ClusterRole "system:auth-delegate" is not in the render, nor one the cluster makes`},
		{"a binding in kube-system to an account not in the render", auto, "RoleBinding", "busybench-prometheus-adapter-auth-reader",
			func(o runtime.Object) { o.(*rbacv1.RoleBinding).Subjects[0].Namespace = "kube-system" },
			"ServiceAccount kube-system/busybench-prometheus-adapter is not in the render"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(broken(t, tc.objs, tc.kind, tc.obj, tc.change))
			if err == nil {
				t.Fatal("passed")
			}
			if !strings.Contains(err.Error(), tc.wantInText) {
				t.Errorf("error %q does not say %q", err, tc.wantInText)
			}
		})
	}
}
