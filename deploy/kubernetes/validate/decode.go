package validate

import (
	"errors"
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
)

// ErrUnknownKind is returned for an object whose apiVersion and kind no known type has: a
// typo in either, or a kind these checks do not cover (and so would let through unread).
var ErrUnknownKind = errors.New("unknown kind")

// ErrStrict is returned for an object with a field its type does not have, or a field twice.
var ErrStrict = errors.New("not a valid object of its kind")

var scheme = newScheme()

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, rbacv1.AddToScheme, networkingv1.AddToScheme,
		autoscalingv2.AddToScheme, apiregistrationv1.AddToScheme, monitoringv1.AddToScheme,
	} {
		utilruntime.Must(add(s))
	}
	return s
}

// strict rejects unknown and duplicate fields rather than dropping them, as the API server
// does with kubectl's --validate=strict.
var strict = serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

// Object is a rendered object decoded into its Go type.
type Object struct {
	Rendered
	Obj runtime.Object
}

// Decode decodes every object strictly into its type and returns all the problems at once.
func Decode(rendered []Rendered) ([]Object, error) {
	var out []Object
	var errs []error
	for _, r := range rendered {
		obj, gvk, err := strict.Decode(r.YAML, nil, nil)
		switch {
		case err == nil:
			out = append(out, Object{Rendered: r, Obj: obj})
		case runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) || runtime.IsMissingVersion(err):
			errs = append(errs, fmt.Errorf("%s: %w: %v", r, ErrUnknownKind, err))
		case runtime.IsStrictDecodingError(err):
			errs = append(errs, fmt.Errorf("%s (%s): %w: %v", r, gvk, ErrStrict, err))
		default:
			errs = append(errs, fmt.Errorf("%s: %w: %v", r, ErrStrict, err))
		}
	}
	return out, errors.Join(errs...)
}

// Load renders dir and decodes what it gives.
func Load(dir string) ([]Object, error) {
	rendered, err := Render(dir)
	if err != nil {
		return nil, err
	}
	return Decode(rendered)
}
