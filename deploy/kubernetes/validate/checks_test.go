package validate

import (
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
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
