package validate

import (
	"fmt"
	"regexp"
	"slices"

	"sigs.k8s.io/yaml"
)

// Debian's promtool (the one make test installs) is built without Kubernetes service
// discovery: it rejects kubernetes_sd_configs as an unknown field. So the discovery block is
// checked here, strictly against the fields Prometheus documents for it, and replaced by a
// stand-in target for promtool, which then checks everything else (relabelling, alerting,
// rule files). Prometheus's own Go package would pull in client-go for this one block.

// KubernetesSD is kubernetes_sd_config as Prometheus 2.53 documents it, less the HTTP client
// settings (an in-cluster Prometheus uses its ServiceAccount).
type KubernetesSD struct {
	APIServer      string `json:"api_server,omitempty"`
	Role           string `json:"role"`
	KubeconfigFile string `json:"kubeconfig_file,omitempty"`
	Namespaces     *struct {
		OwnNamespace bool     `json:"own_namespace,omitempty"`
		Names        []string `json:"names,omitempty"`
	} `json:"namespaces,omitempty"`
	Selectors []struct {
		Role  string `json:"role"`
		Label string `json:"label,omitempty"`
		Field string `json:"field,omitempty"`
	} `json:"selectors,omitempty"`
	AttachMetadata *struct {
		Node bool `json:"node,omitempty"`
	} `json:"attach_metadata,omitempty"`
}

var sdRoles = []string{"pod", "service", "endpoints", "endpointslice", "node", "ingress"}

// podMeta matches the labels role pod gives a target (Prometheus's documentation, role pod).
var podMeta = regexp.MustCompile(`^__meta_kubernetes_(namespace|pod_(name|ip|label_\w+|labelpresent_\w+|annotation_\w+|annotationpresent_\w+|container_init|container_name|container_id|container_image|container_port_name|container_port_number|container_port_protocol|ready|phase|node_name|host_ip|uid|controller_kind|controller_name))$`)

var anyMeta = regexp.MustCompile(`__meta_kubernetes_\w+`)

// StandInForKubernetesSD checks each kubernetes_sd_configs block of a Prometheus configuration
// strictly, and each meta label a role pod job's relabelling reads, then returns the
// configuration with those blocks replaced by a static target, for promtool.
func StandInForKubernetesSD(config []byte) ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(config, &doc); err != nil {
		return nil, err
	}
	jobs, _ := doc["scrape_configs"].([]any)
	for _, j := range jobs {
		job, _ := j.(map[string]any)
		blocks, ok := job["kubernetes_sd_configs"]
		if !ok {
			continue
		}
		raw, err := yaml.Marshal(blocks)
		if err != nil {
			return nil, err
		}
		var sds []KubernetesSD
		if err := yaml.UnmarshalStrict(raw, &sds); err != nil {
			return nil, fmt.Errorf("job %v: kubernetes_sd_configs: %w", job["job_name"], err)
		}
		for _, sd := range sds {
			if !slices.Contains(sdRoles, sd.Role) {
				return nil, fmt.Errorf("job %v: kubernetes_sd_configs: role %q is none of %v", job["job_name"], sd.Role, sdRoles)
			}
			if sd.Role != "pod" {
				continue
			}
			relabel, err := yaml.Marshal(job["relabel_configs"])
			if err != nil {
				return nil, err
			}
			for _, label := range anyMeta.FindAllString(string(relabel), -1) {
				if !podMeta.MatchString(label) {
					return nil, fmt.Errorf("job %v: role pod gives no label %s", job["job_name"], label)
				}
			}
		}
		delete(job, "kubernetes_sd_configs")
		job["static_configs"] = []any{map[string]any{"targets": []any{"stand-in-for-kubernetes-sd:80"}}}
	}
	return yaml.Marshal(doc)
}
