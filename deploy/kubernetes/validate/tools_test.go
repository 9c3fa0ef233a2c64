package validate

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/yaml"
)

func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := Tool(name, pkg)
	if err != nil {
		t.Fatal(err) // never a skip: a check that cannot run has not passed
	}
	return path
}

// mounted writes the ConfigMap a Deployment mounts at mountPath into a temporary folder.
func mounted(t *testing.T, deployment, mountPath string) (string, map[string]string) {
	t.Helper()
	cm, err := MountedConfigMap(NewIndex(load(t, "overlays/local")), "busybench", deployment, mountPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteMounted(cm, mountPath, dir); err != nil {
		t.Fatal(err)
	}
	return dir, cm.Data
}

func TestPromtoolAcceptsTheRenderedPrometheusConfigAndItsRules(t *testing.T) {
	promtool := tool(t, "promtool", "prometheus")
	dir, files := mounted(t, "busybench-prometheus", "/etc/prometheus/config")
	for _, want := range []string{"prometheus.yml", "busybench-recording.yml", "busybench-alerts.yml", "busybench-slos-compressed.yml"} {
		if _, ok := files[want]; !ok {
			t.Fatalf("the ConfigMap has no %s", want)
		}
	}
	// The discovery block checked on its own (promtool here has no Kubernetes discovery), the
	// rest by promtool. The config names its rule files by their path in the pod, mapped here to
	// the folder: a rule file it names that the ConfigMap lacks fails the check.
	config := filepath.Join(dir, "prometheus.yml")
	text, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	standIn, err := StandInForKubernetesSD(text)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, standIn, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Run(promtool, "check", "config", config)
	if err != nil {
		t.Fatalf("promtool check config: %v\n%s", err, out)
	}
	rules := regexp.MustCompile(`SUCCESS: (\d+) rules found`).FindAllStringSubmatch(out, -1)
	if len(rules) != 3 {
		t.Fatalf("want three rule files checked, promtool said:\n%s", out)
	}
}

func TestPromtoolAcceptsThePrometheusRulesAsTheOperatorGetsThem(t *testing.T) {
	promtool := tool(t, "promtool", "prometheus")
	_, files := mounted(t, "busybench-prometheus", "/etc/prometheus/config")
	ix := NewIndex(load(t, "overlays/prometheus-operator"))
	for _, name := range []string{"busybench-recording", "busybench-alerts", "busybench-slos-compressed"} {
		o, ok := ix.Get("PrometheusRule", "busybench", name)
		if !ok {
			t.Fatalf("no PrometheusRule %s", name)
		}
		spec := o.Obj.(*monitoringv1.PrometheusRule).Spec
		text, err := yaml.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), name+".yml")
		if err := os.WriteFile(file, text, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := Run(promtool, "check", "rules", file); err != nil {
			t.Fatalf("promtool check rules %s: %v\n%s", name, err, out)
		}
		// The same rules as our own Prometheus loads, but for each group's 1 s interval.
		var own monitoringv1.PrometheusRuleSpec
		if err := yaml.UnmarshalStrict([]byte(files[name+".yml"]), &own); err != nil {
			t.Fatalf("%s.yml: %v", name, err)
		}
		if len(own.Groups) == 0 {
			t.Fatalf("%s.yml: no groups", name)
		}
		for i := range spec.Groups {
			if spec.Groups[i].Interval == nil || *spec.Groups[i].Interval != "1s" {
				t.Errorf("%s group %s: interval %v, want 1s", name, spec.Groups[i].Name, spec.Groups[i].Interval)
			}
			spec.Groups[i].Interval = nil
		}
		if !reflect.DeepEqual(spec, own) {
			t.Errorf("PrometheusRule %s differs from the rule file Prometheus loads", name)
		}
	}
}

func TestAmtoolAcceptsTheRenderedAlertmanagerConfig(t *testing.T) {
	amtool := tool(t, "amtool", "prometheus-alertmanager")
	dir, files := mounted(t, "busybench-alertmanager", "/etc/alertmanager/config")
	if !strings.Contains(files["alertmanager.yml"], "url: http://busybench-collector:9464/api/alerts") {
		t.Fatal("alertmanager.yml does not send to the collector's Service")
	}
	if out, err := Run(amtool, "check-config", filepath.Join(dir, "alertmanager.yml")); err != nil {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
}
