package validate

import (
	"fmt"
	"slices"
	"testing"
)

// The connections Reach reads from each render, each of which a NetworkPolicy must let in: the
// table "Who reaches whom" in ../README.md, less Grafana (outside the render: nothing here names
// it) and the operator's Alertmanager (the user adds its webhook receiver).
func TestReachFindsEveryConnectionBusybenchMakes(t *testing.T) {
	const (
		runners      = "Job/busybench/busybench-runners"
		mock         = "Deployment/busybench/busybench-mock"
		collector    = "Deployment/busybench/busybench-collector"
		prometheus   = "Deployment/busybench/busybench-prometheus"
		alertmanager = "Deployment/busybench/busybench-alertmanager"
		adapter      = "Deployment/busybench/busybench-prometheus-adapter"
	)
	operator := operatorPrometheus.name
	for _, tc := range []struct {
		dir  string
		want []string
	}{
		{"overlays/local", []string{
			runners + " → " + mock + " :8000", runners + " → " + collector + " :9464",
			collector + " → " + mock + " :8000",
			prometheus + " → " + mock + " :8000", prometheus + " → " + collector + " :9464",
			prometheus + " → " + alertmanager + " :9093",
			alertmanager + " → " + collector + " :9464",
		}},
		// With the API server's way to the adapter (the one rule with no `from`) and the adapter's
		// to Prometheus.
		{"overlays/autoscaled", []string{
			runners + " → " + mock + " :8000", runners + " → " + collector + " :9464",
			collector + " → " + mock + " :8000",
			prometheus + " → " + mock + " :8000", prometheus + " → " + collector + " :9464",
			prometheus + " → " + alertmanager + " :9093",
			alertmanager + " → " + collector + " :9464",
			adapter + " → " + prometheus + " :9090",
			apiServer("v1beta1.custom.metrics.k8s.io").name + " → " + adapter + " :6443",
		}},
		{"overlays/prometheus-operator", []string{
			runners + " → " + mock + " :8000", runners + " → " + collector + " :9464",
			collector + " → " + mock + " :8000",
			operator + " → " + mock + " :8000", operator + " → " + collector + " :9464",
		}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			var got []string
			for _, f := range flows(NewIndex(load(t, tc.dir))) {
				if s := fmt.Sprintf("%s → %s :%d", f.from.name, f.to.Owner, f.port.ContainerPort); !slices.Contains(got, s) {
					got = append(got, s)
				}
			}
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("connections:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
