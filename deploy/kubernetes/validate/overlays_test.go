package validate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// root is deploy/kubernetes, from this package's folder.
var root = filepath.Join("..")

func load(t *testing.T, dir string) []Object {
	t.Helper()
	tree, abs := testTree(t)
	rendered, err := RenderFS(tree, filepath.Join(abs, dir))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Decode(rendered)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func names(objs []Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Kind+"/"+o.Name)
	}
	sort.Strings(out)
	return out
}

// The objects every overlay has: the mock, the collector, the runners, the dashboards (each in
// English and Chinese).
var core = append([]string{
	"Deployment/busybench-collector", "Deployment/busybench-mock",
	"Job/busybench-runners", "PersistentVolumeClaim/busybench-results", "Service/busybench-collector",
	"Service/busybench-mock", "Service/busybench-mock-nodes",
	"NetworkPolicy/busybench-default-deny", "NetworkPolicy/busybench-mock", "NetworkPolicy/busybench-collector",
}, dashboardConfigMaps()...)

func dashboardConfigMaps() []string {
	var out []string
	for _, d := range []string{"mock-upstream", "slo", "slo-alerts", "stepped-stress", "strategy-comparison"} {
		out = append(out, "ConfigMap/busybench-dashboard-"+d, "ConfigMap/busybench-dashboard-"+d+"-zh-cn")
	}
	return out
}

var ownMonitoring = []string{
	"Deployment/busybench-alertmanager", "Deployment/busybench-prometheus", "Role/busybench-prometheus",
	"RoleBinding/busybench-prometheus", "Service/busybench-alertmanager", "Service/busybench-prometheus",
	"ServiceAccount/busybench-prometheus", "NetworkPolicy/busybench-prometheus", "NetworkPolicy/busybench-alertmanager",
}

// What overlays/autoscaled adds: the HPA, prometheus-adapter and its rules, the API server's
// way to it and its way to Prometheus.
var autoscaled = []string{
	"HorizontalPodAutoscaler/busybench-mock",
	"ServiceAccount/busybench-prometheus-adapter", "Deployment/busybench-prometheus-adapter",
	"Service/busybench-prometheus-adapter", "APIService/v1beta1.custom.metrics.k8s.io",
	"ClusterRole/busybench-prometheus-adapter-resource-reader", "ClusterRoleBinding/busybench-prometheus-adapter-resource-reader",
	"ClusterRoleBinding/busybench-prometheus-adapter-auth-delegator", "RoleBinding/busybench-prometheus-adapter-auth-reader",
	"ClusterRole/busybench-custom-metrics-reader", "ClusterRoleBinding/busybench-custom-metrics-reader-hpa",
	"NetworkPolicy/busybench-prometheus-adapter", "NetworkPolicy/busybench-prometheus-from-adapter",
}

// The kinds with no namespace.
var clusterScoped = map[string]bool{"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "APIService": true}

func TestEveryOverlayRendersDecodesStrictlyAndHoldsTogether(t *testing.T) {
	for _, tc := range []struct {
		dir      string
		has      []string
		hasNot   []string
		runners  int32
		operator bool
		// Objects in another namespace than the overlay's, by kind/name.
		elsewhere map[string]string
	}{
		{dir: "base", has: append(slices.Clone(core), ownMonitoring...), runners: 3},
		{dir: "overlays/local", has: append(slices.Clone(core), ownMonitoring...), runners: 3},
		{dir: "overlays/five-runners", has: append(slices.Clone(core), ownMonitoring...), runners: 5},
		{
			dir: "overlays/autoscaled", runners: 3,
			has: append(append(slices.Clone(core), ownMonitoring...), autoscaled...),
			elsewhere: map[string]string{
				"RoleBinding/busybench-prometheus-adapter-auth-reader": "kube-system",
			},
		},
		{
			dir: "overlays/prometheus-operator", runners: 3, operator: true, hasNot: ownMonitoring,
			has: append(slices.Clone(core), "PodMonitor/busybench-mock", "ServiceMonitor/busybench-collector",
				"PrometheusRule/busybench-recording", "PrometheusRule/busybench-alerts",
				"NetworkPolicy/busybench-mock-operator-prometheus", "NetworkPolicy/busybench-collector-operator-monitoring"),
		},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			objs := load(t, tc.dir)
			if err := Check(objs); err != nil {
				t.Fatal(err)
			}
			got := names(objs)
			for _, n := range tc.has {
				if !slices.Contains(got, n) {
					t.Errorf("%s is missing from the render", n)
				}
			}
			for _, n := range tc.hasNot {
				if slices.Contains(got, n) {
					t.Errorf("%s should have been dropped", n)
				}
			}
			// Our Prometheus's and Alertmanager's ConfigMaps go with them (their names carry a hash).
			hasConfig := slices.ContainsFunc(objs, func(o Object) bool {
				return o.Kind == "ConfigMap" && o.Obj.(*corev1.ConfigMap).Labels["app.kubernetes.io/name"] == "busybench-prometheus"
			})
			if hasConfig == tc.operator {
				t.Errorf("busybench-prometheus ConfigMap present: %v, want %v", hasConfig, !tc.operator)
			}
			ix := NewIndex(objs)
			// One Secret: the token, from the user's file (Hardening checks who mounts it).
			if n := len(ix.OfKind("Secret")); n != 1 {
				t.Errorf("%d Secrets, want the token's one", n)
			}
			ns := "busybench"
			if tc.dir == "base" {
				ns = ""
			}
			job, ok := ix.Get("Job", ns, "busybench-runners")
			if !ok {
				t.Fatalf("no Job busybench-runners in namespace %q", ns)
			}
			if c := job.Obj.(*batchv1.Job).Spec.Completions; *c != tc.runners {
				t.Errorf("completions = %d, want %d", *c, tc.runners)
			}
			for _, o := range objs {
				want := ns
				if w, ok := tc.elsewhere[o.Kind+"/"+o.Name]; ok {
					want = w
				}
				if clusterScoped[o.Kind] {
					want = ""
				}
				if o.Namespace != want {
					t.Errorf("%s: namespace %q, want %q", o, o.Namespace, want)
				}
			}
		})
	}
}

// The image's tag is the project's version (package.json), so a release and its manifests agree.
func TestTheImageIsTheProjectsVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "..", "..", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(raw, &pkg); err != nil || pkg.Version == "" {
		t.Fatalf("package.json version: %v", err)
	}
	for _, tmpl := range NewIndex(load(t, "overlays/local")).Templates {
		for _, c := range containers(tmpl.Spec) {
			if name, tag := imageTag(c.Image); name == "busybench" && tag != pkg.Version {
				t.Errorf("%s container %s: image %s, want busybench:%s", tmpl.Owner, c.Name, c.Image, pkg.Version)
			}
		}
	}
}

func TestEveryContainerReservesCPUAndMemoryAndCapsMemory(t *testing.T) {
	ix := NewIndex(load(t, "overlays/local"))
	for _, tmpl := range ix.Templates {
		for _, c := range containers(tmpl.Spec) {
			r := c.Resources
			if r.Requests.Cpu().IsZero() || r.Requests.Memory().IsZero() || r.Limits.Memory().IsZero() {
				t.Errorf("%s container %s: want cpu and memory requests and a memory limit, got %v", tmpl.Owner, c.Name, r)
			}
		}
	}
}

func TestPrometheusFindsTheMockAndTheCollectorByTheLabelsItKeeps(t *testing.T) {
	// prometheus.yml keeps pods labelled part-of=busybench, name busybench-mock or
	// busybench-collector, on their container port named http; the job is the name label.
	ix := NewIndex(load(t, "overlays/local"))
	for _, name := range []string{"busybench-mock", "busybench-collector"} {
		o, ok := ix.Get("Deployment", "busybench", name)
		if !ok {
			t.Fatalf("no Deployment %s", name)
		}
		tmpl := o.Obj.(*appsv1.Deployment).Spec.Template
		if tmpl.Labels["app.kubernetes.io/part-of"] != "busybench" || tmpl.Labels["app.kubernetes.io/name"] != name {
			t.Errorf("%s: pod labels %v", name, tmpl.Labels)
		}
		if !slices.ContainsFunc(tmpl.Spec.Containers[0].Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" }) {
			t.Errorf("%s: no container port named http", name)
		}
	}
}

// overlays/autoscaled scales the mock as the guide says (issue 27): 3 to 20 pods, 70 % of the CPU
// requested, 500 requests per second a pod; and leaves the replica count to the HPA.
func TestTheAutoscaledMockScalesAsTheGuideSays(t *testing.T) {
	ix := NewIndex(load(t, "overlays/autoscaled"))
	o, ok := ix.Get("HorizontalPodAutoscaler", "busybench", "busybench-mock")
	if !ok {
		t.Fatal("no HorizontalPodAutoscaler busybench-mock")
	}
	spec := o.Obj.(*autoscalingv2.HorizontalPodAutoscaler).Spec
	if spec.MinReplicas == nil || *spec.MinReplicas != 3 || spec.MaxReplicas != 20 {
		t.Errorf("replicas %v to %d, want 3 to 20", spec.MinReplicas, spec.MaxReplicas)
	}
	var cpu, rps bool
	for _, m := range spec.Metrics {
		switch {
		case m.Resource != nil && m.Resource.Name == corev1.ResourceCPU:
			cpu = m.Resource.Target.AverageUtilization != nil && *m.Resource.Target.AverageUtilization == 70
		case m.Pods != nil:
			rps = m.Pods.Metric.Name == "busybench_mock_requests_per_second" &&
				m.Pods.Target.AverageValue != nil && m.Pods.Target.AverageValue.Cmp(resource.MustParse("500")) == 0
		}
	}
	if !cpu || !rps {
		t.Errorf("metrics %+v: want CPU at 70 %% and busybench_mock_requests_per_second at 500", spec.Metrics)
	}
	if spec.Behavior == nil || spec.Behavior.ScaleUp == nil || spec.Behavior.ScaleDown == nil {
		t.Error("no scale-up and scale-down behaviour")
	}
	d, _ := ix.Get("Deployment", "busybench", "busybench-mock")
	if r := d.Obj.(*appsv1.Deployment).Spec.Replicas; r != nil {
		t.Errorf("the mock's Deployment sets replicas %d: each kubectl apply would undo the HPA's count", *r)
	}
}
