package validate

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// References checks that everything a pod spec names is in the render, in the pod's namespace:
// ConfigMaps, Secrets and PersistentVolumeClaims of its volumes and environment, its
// ServiceAccount, the volumes its mounts name, the ports its probes name, and every file path
// in its arguments that lies under a mounted ConfigMap (the key must exist).
func References(ix *Index) []error {
	var errs []error
	for _, t := range ix.Templates {
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", t.Owner, fmt.Sprintf(format, a...)))
		}
		need := func(kind, name string, optional *bool) {
			if optional != nil && *optional {
				return
			}
			if _, ok := ix.Get(kind, t.Namespace, name); !ok {
				fail("%s %q is not in the render", kind, name)
			}
		}
		if sa := t.Spec.ServiceAccountName; sa != "" && sa != "default" {
			need("ServiceAccount", sa, nil)
		}
		volumes := map[string]corev1.Volume{}
		for _, v := range t.Spec.Volumes {
			volumes[v.Name] = v
			switch {
			case v.ConfigMap != nil:
				need("ConfigMap", v.ConfigMap.Name, v.ConfigMap.Optional)
			case v.Secret != nil:
				need("Secret", v.Secret.SecretName, v.Secret.Optional)
			case v.PersistentVolumeClaim != nil:
				need("PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName, nil)
			case v.Projected != nil:
				for _, s := range v.Projected.Sources {
					if s.ConfigMap != nil {
						need("ConfigMap", s.ConfigMap.Name, s.ConfigMap.Optional)
					}
					if s.Secret != nil {
						need("Secret", s.Secret.Name, s.Secret.Optional)
					}
				}
			}
		}
		for _, c := range containers(t.Spec) {
			for _, e := range c.Env {
				if f := e.ValueFrom; f != nil && f.ConfigMapKeyRef != nil {
					need("ConfigMap", f.ConfigMapKeyRef.Name, f.ConfigMapKeyRef.Optional)
				}
				if f := e.ValueFrom; f != nil && f.SecretKeyRef != nil {
					need("Secret", f.SecretKeyRef.Name, f.SecretKeyRef.Optional)
				}
			}
			for _, e := range c.EnvFrom {
				if e.ConfigMapRef != nil {
					need("ConfigMap", e.ConfigMapRef.Name, e.ConfigMapRef.Optional)
				}
				if e.SecretRef != nil {
					need("Secret", e.SecretRef.Name, e.SecretRef.Optional)
				}
			}
			for _, m := range c.VolumeMounts {
				if _, ok := volumes[m.Name]; !ok {
					fail("container %s mounts volume %q, which the pod does not declare", c.Name, m.Name)
				}
			}
			ports := map[string]bool{}
			for _, p := range c.Ports {
				ports[p.Name] = true
			}
			for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
				if p != nil && p.HTTPGet != nil && p.HTTPGet.Port.StrVal != "" && !ports[p.HTTPGet.Port.StrVal] {
					fail("container %s probes port %q, which it does not declare", c.Name, p.HTTPGet.Port.StrVal)
				}
			}
			errs = append(errs, mountedFiles(ix, t, c, volumes)...)
		}
	}
	return errs
}

// mountedFiles checks each argument naming a file under a ConfigMap's mount (`/etc/x/f.yaml`,
// `--config.file=/etc/x/f.yaml`): the ConfigMap must hold that key, or the program starts
// without its file.
func mountedFiles(ix *Index, t PodTemplate, c corev1.Container, volumes map[string]corev1.Volume) []error {
	var errs []error
	for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
		if i := strings.IndexByte(arg, '='); strings.HasPrefix(arg, "--") && i > 0 {
			arg = arg[i+1:]
		}
		for _, m := range c.VolumeMounts {
			v, ok := volumes[m.Name]
			if !ok || v.ConfigMap == nil || m.SubPath != "" {
				continue
			}
			file, under := strings.CutPrefix(arg, strings.TrimSuffix(m.MountPath, "/")+"/")
			if !under {
				continue
			}
			cm, ok := ix.Get("ConfigMap", t.Namespace, v.ConfigMap.Name)
			if !ok {
				continue // reported by References
			}
			data := cm.Obj.(*corev1.ConfigMap)
			_, inData := data.Data[file]
			_, inBinary := data.BinaryData[file]
			if !inData && !inBinary {
				errs = append(errs, fmt.Errorf("%s: container %s reads %s, but ConfigMap %q has no key %q",
					t.Owner, c.Name, arg, cm.Name, file))
			}
		}
	}
	return errs
}
