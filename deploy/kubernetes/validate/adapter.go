package validate

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v2"
	corev1 "k8s.io/api/core/v1"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
)

// customMetricsGroup is the API the HPA reads Pods and Object metrics from.
const customMetricsGroup = "custom.metrics.k8s.io"

// AdapterConfig is prometheus-adapter's --config (sigs.k8s.io/prometheus-adapter/pkg/config,
// MetricsDiscoveryConfig, v0.12), field for field: its Go module is not served here, so this is
// the documented type, decoded as the adapter decodes it (yaml.v2 UnmarshalStrict: an unknown
// field or one twice is an error, and the adapter would not start).
type AdapterConfig struct {
	Rules         []AdapterRule  `yaml:"rules"`
	ResourceRules *ResourceRules `yaml:"resourceRules,omitempty"`
	ExternalRules []AdapterRule  `yaml:"externalRules,omitempty"`
}

// AdapterRule is the adapter's DiscoveryRule.
type AdapterRule struct {
	SeriesQuery   string `yaml:"seriesQuery"`
	SeriesFilters []struct {
		Is    string `yaml:"is,omitempty"`
		IsNot string `yaml:"isNot,omitempty"`
	} `yaml:"seriesFilters"`
	Resources ResourceMapping `yaml:"resources"`
	Name      struct {
		Matches string `yaml:"matches"`
		As      string `yaml:"as"`
	} `yaml:"name"`
	MetricsQuery           string `yaml:"metricsQuery,omitempty"`
	LabelValueReplacements []struct {
		Find    string `yaml:"find,omitempty"`
		Replace string `yaml:"replace,omitempty"`
	} `yaml:"labelValueReplacements,omitempty"`
}

// ResourceMapping maps Prometheus labels to Kubernetes resources.
type ResourceMapping struct {
	Template  string `yaml:"template,omitempty"`
	Overrides map[string]struct {
		Group    string `yaml:"group,omitempty"`
		Resource string `yaml:"resource"`
	} `yaml:"overrides,omitempty"`
}

// ResourceRules is the adapter's resource metrics (metrics.k8s.io) section: decoded for
// strictness only, busybench serves none (metrics-server does).
type ResourceRules struct {
	CPU    resourceRule   `yaml:"cpu"`
	Memory resourceRule   `yaml:"memory"`
	Window model.Duration `yaml:"window"`
}

type resourceRule struct {
	ContainerQuery string          `yaml:"containerQuery"`
	NodeQuery      string          `yaml:"nodeQuery"`
	Resources      ResourceMapping `yaml:"resources"`
	ContainerLabel string          `yaml:"containerLabel"`
}

// ParseAdapterConfig decodes the adapter's configuration strictly.
func ParseAdapterConfig(text string) (*AdapterConfig, error) {
	var c AdapterConfig
	if err := yaml.UnmarshalStrict([]byte(text), &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStrict, err)
	}
	return &c, nil
}

// adapterQueryArgs is what the adapter fills a metricsQuery template with (pkg/naming,
// queryTemplateArgs), for a request on pods of one namespace.
type adapterQueryArgs struct {
	Series            string
	LabelMatchers     string
	LabelValuesByName map[string]string
	GroupBy           string
	GroupBySlice      []string
}

// Metric checks one rule and returns the custom metric it serves for pods: its seriesQuery
// is a series selector naming one metric; its seriesFilters keep that name (`is` matches it,
// `isNot` does not); name.matches matches it, name.as gives the
// metric (the adapter expands it as a regexp template); the overrides map a label to namespaces
// and one to pods (a Pods metric is asked per pod of a namespace); the metricsQuery, filled as
// the adapter fills it, parses as PromQL and aggregates by the pod label, or the adapter could
// not give each pod its value.
func (r AdapterRule) Metric() (string, error) {
	promql := parser.NewParser(parser.Options{})
	matchers, err := promql.ParseMetricSelector(r.SeriesQuery)
	if err != nil {
		return "", fmt.Errorf("seriesQuery %q: %w", r.SeriesQuery, err)
	}
	series := ""
	for _, m := range matchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			series = m.Value
		}
	}
	if series == "" {
		return "", fmt.Errorf("seriesQuery %q names no one metric (__name__=\"…\")", r.SeriesQuery)
	}
	for i, f := range r.SeriesFilters {
		if (f.Is == "") == (f.IsNot == "") {
			return "", fmt.Errorf("seriesFilters %d: one of is and isNot, not both nor neither", i)
		}
		re, err := regexp.Compile(f.Is + f.IsNot)
		if err != nil {
			return "", fmt.Errorf("seriesFilters %d: %w", i, err)
		}
		if re.MatchString(series) != (f.Is != "") {
			return "", fmt.Errorf("seriesFilters %d filters %s out: the adapter would serve nothing of it", i, series)
		}
	}
	matches := r.Name.Matches
	if matches == "" {
		matches = ".*"
	}
	re, err := regexp.Compile(matches)
	if err != nil {
		return "", fmt.Errorf("name.matches %q: %w", matches, err)
	}
	idx := re.FindStringSubmatchIndex(series)
	if idx == nil {
		return "", fmt.Errorf("name.matches %q does not match %s: the adapter filters the series out", matches, series)
	}
	as := r.Name.As
	if as == "" {
		as = "$0"
		if re.NumSubexp() == 1 {
			as = "$1"
		}
	}
	metric := string(re.ExpandString(nil, as, series, idx))
	var nsLabel, podLabel string
	for label, res := range r.Resources.Overrides {
		switch {
		case res.Group == "" && (res.Resource == "namespace" || res.Resource == "namespaces"):
			nsLabel = label
		case res.Group == "" && (res.Resource == "pod" || res.Resource == "pods"):
			podLabel = label
		}
	}
	if nsLabel == "" || podLabel == "" {
		return "", fmt.Errorf("resources.overrides maps no label to namespace and to pod: a Pods metric cannot be asked of it")
	}
	if r.MetricsQuery == "" {
		return "", fmt.Errorf("no metricsQuery: the adapter's default takes the raw series, not a rate")
	}
	tmpl, err := template.New("metricsQuery").Delims("<<", ">>").Option("missingkey=error").Parse(r.MetricsQuery)
	if err != nil {
		return "", fmt.Errorf("metricsQuery template: %w", err)
	}
	var q bytes.Buffer
	err = tmpl.Execute(&q, adapterQueryArgs{
		Series:            series,
		LabelMatchers:     fmt.Sprintf(`%s="busybench",%s=~"busybench-mock-a|busybench-mock-b"`, nsLabel, podLabel),
		LabelValuesByName: map[string]string{nsLabel: "busybench", podLabel: "busybench-mock-a|busybench-mock-b"},
		GroupBy:           podLabel,
		GroupBySlice:      []string{podLabel},
	})
	if err != nil {
		return "", fmt.Errorf("metricsQuery template: %w", err)
	}
	expr, err := promql.ParseExpr(q.String())
	if err != nil {
		return "", fmt.Errorf("metricsQuery, filled as the adapter fills it (%s): %w", q.String(), err)
	}
	if agg, ok := expr.(*parser.AggregateExpr); !ok || agg.Without || !slices.Contains(agg.Grouping, podLabel) {
		return "", fmt.Errorf("metricsQuery %s is not aggregated by (%s): the adapter finds each pod's value by that label", q.String(), podLabel)
	}
	return metric, nil
}

// adapter is a custom-metrics adapter of the render: the pods behind an APIService of
// custom.metrics.k8s.io and the configuration their --config names.
type adapter struct {
	api    Object
	pod    PodTemplate
	config *AdapterConfig
	path   string
}

// adapters finds the custom metrics adapters: each APIService of custom.metrics.k8s.io, the pods its
// Service selects, and the configuration file (--config) they read from a mounted ConfigMap.
func adapters(ix *Index) ([]adapter, []error) {
	var out []adapter
	var errs []error
	for _, o := range ix.OfKind("APIService") {
		svc := o.Obj.(*apiregistrationv1.APIService).Spec
		if svc.Group != customMetricsGroup || svc.Service == nil {
			continue
		}
		s, ok := ix.Get("Service", svc.Service.Namespace, svc.Service.Name)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: Service %s/%s is not in the render", o, svc.Service.Namespace, svc.Service.Name))
			continue
		}
		for _, t := range ix.Matching(s.Namespace, s.Obj.(*corev1.Service).Spec.Selector) {
			for _, c := range t.Spec.Containers {
				path, ok := flagValue(c.Args, "--config")
				if !ok {
					errs = append(errs, fmt.Errorf("%s: container %s serves %s without --config: it would serve no metric", t.Owner, c.Name, o.Name))
					continue
				}
				text, ok := mountedFile(ix, t, c, path)
				if !ok {
					continue // References reports a file its ConfigMap lacks
				}
				cfg, err := ParseAdapterConfig(text)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: container %s: %s: %w", t.Owner, c.Name, path, err))
					continue
				}
				out = append(out, adapter{o, t, cfg, path})
			}
		}
	}
	return out, errs
}

// mountedFile is the content of a file under a ConfigMap the container mounts.
func mountedFile(ix *Index, t PodTemplate, c corev1.Container, path string) (string, bool) {
	for _, m := range c.VolumeMounts {
		i := slices.IndexFunc(t.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name })
		if i < 0 || t.Spec.Volumes[i].ConfigMap == nil || m.SubPath != "" {
			continue
		}
		file, under := strings.CutPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/")
		if !under {
			continue
		}
		if o, ok := ix.Get("ConfigMap", t.Namespace, t.Spec.Volumes[i].ConfigMap.Name); ok {
			text, ok := o.Obj.(*corev1.ConfigMap).Data[file]
			return text, ok
		}
	}
	return "", false
}

// customMetrics is every custom metric the render's adapters serve for pods.
func customMetrics(ix *Index) (map[string]bool, []error) {
	ads, errs := adapters(ix)
	out := map[string]bool{}
	for _, a := range ads {
		for i, r := range a.config.Rules {
			m, err := r.Metric()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %s rule %d: %w", a.pod.Owner, a.path, i, err))
				continue
			}
			out[m] = true
		}
	}
	return out, errs
}

// Adapters checks the custom metrics adapters of the render: the configuration each reads
// decodes strictly into the adapter's type, every rule gives a metric a Pods metric can ask for
// and a query that parses (Metric); and the labels its rules map to namespaces and pods are
// ones the Prometheus it queries (--prometheus-url) gives every series it discovers, or the
// adapter would find no series of any pod.
func Adapters(ix *Index) []error {
	_, errs := customMetrics(ix)
	ads, _ := adapters(ix)
	for _, a := range ads {
		for _, c := range a.pod.Spec.Containers {
			u, ok := flagValue(c.Args, "--prometheus-url")
			if !ok {
				continue
			}
			m := clusterURL.FindStringSubmatch(u)
			if m == nil {
				errs = append(errs, fmt.Errorf("%s: --prometheus-url %s is no Service of the render", a.pod.Owner, u))
				continue
			}
			given := relabelledLabels(ix, a.pod.Namespace, m[1])
			for i, r := range a.config.Rules {
				for label := range r.Resources.Overrides {
					if !given[label] {
						errs = append(errs, fmt.Errorf("%s: %s rule %d maps label %q, which Prometheus (Service %s) gives no series it discovers (relabel_configs target_label)", a.pod.Owner, a.path, i, label, m[1]))
					}
				}
			}
		}
	}
	return errs
}

// relabelledLabels is the labels every role-pod discovery job of the Prometheus behind a Service
// sets by relabelling (a label only some jobs set is left out).
func relabelledLabels(ix *Index, namespace, service string) map[string]bool {
	var out map[string]bool
	s, ok := ix.Get("Service", namespace, service)
	if !ok {
		return nil // URLs reports it
	}
	for _, t := range ix.Matching(namespace, s.Obj.(*corev1.Service).Spec.Selector) {
		for _, c := range t.Spec.Containers {
			path, ok := flagValue(c.Args, "--config.file")
			if !ok {
				continue
			}
			text, ok := mountedFile(ix, t, c, path)
			if !ok {
				continue
			}
			var config struct {
				ScrapeConfigs []struct {
					KubernetesSD   []map[string]any `yaml:"kubernetes_sd_configs"`
					RelabelConfigs []struct {
						TargetLabel string `yaml:"target_label"`
					} `yaml:"relabel_configs"`
				} `yaml:"scrape_configs"`
			}
			if yaml.Unmarshal([]byte(text), &config) != nil {
				continue // promtool reports it
			}
			for _, job := range config.ScrapeConfigs {
				if !slices.ContainsFunc(job.KubernetesSD, func(sd map[string]any) bool { return sd["role"] == "pod" }) {
					continue
				}
				set := map[string]bool{}
				for _, r := range job.RelabelConfigs {
					set[r.TargetLabel] = true
				}
				if out == nil {
					out = set
					continue
				}
				for l := range out {
					if !set[l] {
						delete(out, l)
					}
				}
			}
		}
	}
	return out
}
