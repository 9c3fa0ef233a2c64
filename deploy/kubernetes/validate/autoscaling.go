package validate

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

// Autoscalers checks each HorizontalPodAutoscaler against what it scales and what it reads:
// scaleTargetRef names a Deployment of the render (apps/v1); minReplicas ≤ maxReplicas; a CPU
// Resource metric on utilisation means every container of the target requests CPU (the
// utilisation is of the request: without one the HPA cannot compute it and does not scale);
// each Pods metric is one a custom metrics adapter of the render serves (adapter.go), or the HPA
// reads nothing and does not scale on it.
func Autoscalers(ix *Index) []error {
	var errs []error
	served, _ := customMetrics(ix) // the adapters' own problems are Adapters' to report
	for _, o := range ix.OfKind("HorizontalPodAutoscaler") {
		hpa := o.Obj.(*autoscalingv2.HorizontalPodAutoscaler)
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", o, fmt.Sprintf(format, a...)))
		}
		minReplicas := int32(1) // the API's default
		if hpa.Spec.MinReplicas != nil {
			minReplicas = *hpa.Spec.MinReplicas
		}
		if minReplicas < 1 || minReplicas > hpa.Spec.MaxReplicas {
			fail("minReplicas %d, maxReplicas %d: want 1 ≤ min ≤ max", minReplicas, hpa.Spec.MaxReplicas)
		}
		ref := hpa.Spec.ScaleTargetRef
		var target *appsv1.Deployment
		if t, ok := ix.Get(ref.Kind, o.Namespace, ref.Name); ok && ref.Kind == "Deployment" && ref.APIVersion == "apps/v1" {
			target = t.Obj.(*appsv1.Deployment)
		} else {
			fail("scaleTargetRef %s %s/%s is no Deployment of the render", ref.APIVersion, ref.Kind, ref.Name)
		}
		for i, m := range hpa.Spec.Metrics {
			switch {
			case m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Name == corev1.ResourceCPU &&
				m.Resource.Target.Type == autoscalingv2.UtilizationMetricType && target != nil:
				for _, c := range target.Spec.Template.Spec.Containers {
					if c.Resources.Requests.Cpu().IsZero() {
						fail("metric %d is CPU utilisation, but container %s of Deployment %s requests no CPU: the HPA cannot compute it", i, c.Name, target.Name)
					}
				}
			case m.Type == autoscalingv2.PodsMetricSourceType && m.Pods != nil:
				if !served[m.Pods.Metric.Name] {
					fail("metric %d: Pods metric %q is one no custom metrics adapter of the render serves (its rules' name.as)", i, m.Pods.Metric.Name)
				}
			}
		}
	}
	return errs
}
