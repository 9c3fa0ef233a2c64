package validate

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// PodTemplate is the pod spec of a workload, with what owns it.
type PodTemplate struct {
	Owner     string
	Namespace string
	Labels    map[string]string
	Spec      corev1.PodSpec
}

// Index finds a render's objects by kind, namespace and name.
type Index struct {
	objects   map[string]Object
	Templates []PodTemplate
}

func key(kind, namespace, name string) string { return kind + "/" + namespace + "/" + name }

// NewIndex indexes objs and gathers the pod templates of every workload kind.
func NewIndex(objs []Object) *Index {
	ix := &Index{objects: map[string]Object{}}
	for _, o := range objs {
		ix.objects[key(o.Kind, o.Namespace, o.Name)] = o
		tmpl := func(t corev1.PodTemplateSpec) {
			ix.Templates = append(ix.Templates, PodTemplate{Owner: o.String(), Namespace: o.Namespace, Labels: t.Labels, Spec: t.Spec})
		}
		switch w := o.Obj.(type) {
		case *appsv1.Deployment:
			tmpl(w.Spec.Template)
		case *appsv1.StatefulSet:
			tmpl(w.Spec.Template)
		case *appsv1.DaemonSet:
			tmpl(w.Spec.Template)
		case *batchv1.Job:
			tmpl(w.Spec.Template)
		case *batchv1.CronJob:
			tmpl(w.Spec.JobTemplate.Spec.Template)
		case *corev1.Pod:
			ix.Templates = append(ix.Templates, PodTemplate{Owner: o.String(), Namespace: o.Namespace, Labels: w.Labels, Spec: w.Spec})
		}
	}
	return ix
}

// Get returns the object of that kind, namespace and name, if the render has it.
func (ix *Index) Get(kind, namespace, name string) (Object, bool) {
	o, ok := ix.objects[key(kind, namespace, name)]
	return o, ok
}

// OfKind returns every object of a kind.
func (ix *Index) OfKind(kind string) []Object {
	var out []Object
	for _, o := range ix.objects {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// Selects reports whether every pair of the selector is among the labels (an empty selector
// selects nothing here: none of busybench's objects means "everything").
func Selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// Matching returns the pod templates in namespace whose labels the selector selects.
func (ix *Index) Matching(namespace string, selector map[string]string) []PodTemplate {
	var out []PodTemplate
	for _, t := range ix.Templates {
		if t.Namespace == namespace && Selects(selector, t.Labels) {
			out = append(out, t)
		}
	}
	return out
}

// containers returns the init containers and the containers of a pod spec.
func containers(spec corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
}
