package validate

import (
	"strings"
	"testing"
)

const sdConfig = `scrape_configs:
  - job_name: busybench
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          own_namespace: true
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name]
        target_label: job
`

func TestKubernetesDiscoveryIsCheckedThenStoodInForPromtool(t *testing.T) {
	out, err := StandInForKubernetesSD([]byte(sdConfig))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "kubernetes_sd_configs") || !strings.Contains(string(out), "stand-in-for-kubernetes-sd:80") {
		t.Fatalf("not stood in for:\n%s", out)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"a misspelt field", "own_namespace", "own_namespaces", "own_namespaces"},
		{"an unknown role", "role: pod", "role: pods", `role "pods"`},
		{"a meta label role pod does not give", "__meta_kubernetes_pod_label_", "__meta_kubernetes_pods_label_", "role pod gives no label"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := StandInForKubernetesSD([]byte(strings.Replace(sdConfig, tc.from, tc.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}
