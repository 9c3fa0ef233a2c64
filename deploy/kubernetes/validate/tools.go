package validate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// Tool finds a program the checks run (promtool, amtool). Missing, it is an error that says
// which Debian package has it: a check that cannot run must not pass.
func Tool(name, debianPackage string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is not installed: make test installs it, or apt-get install %s: %w", name, debianPackage, err)
	}
	return path, nil
}

// Run runs a program and returns its combined output.
func Run(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// MountedConfigMap returns the ConfigMap that a Deployment's container mounts at mountPath.
func MountedConfigMap(ix *Index, namespace, deployment, mountPath string) (*corev1.ConfigMap, error) {
	o, ok := ix.Get("Deployment", namespace, deployment)
	if !ok {
		return nil, fmt.Errorf("Deployment %s/%s is not in the render", namespace, deployment)
	}
	spec := o.Obj.(*appsv1.Deployment).Spec.Template.Spec
	for _, c := range spec.Containers {
		for _, m := range c.VolumeMounts {
			if m.MountPath != mountPath {
				continue
			}
			for _, v := range spec.Volumes {
				if v.Name == m.Name && v.ConfigMap != nil {
					cm, ok := ix.Get("ConfigMap", namespace, v.ConfigMap.Name)
					if !ok {
						return nil, fmt.Errorf("ConfigMap %q is not in the render", v.ConfigMap.Name)
					}
					return cm.Obj.(*corev1.ConfigMap), nil
				}
			}
		}
	}
	return nil, fmt.Errorf("%s mounts no ConfigMap at %s", o, mountPath)
}

// WriteMounted writes a ConfigMap's files into dir as the pod would see them at mountPath,
// with mountPath in their contents replaced by dir (so a file that names a sibling by its path
// in the pod, as prometheus.yml names its rule files, finds it here).
func WriteMounted(cm *corev1.ConfigMap, mountPath, dir string) error {
	for name, text := range cm.Data {
		text = strings.ReplaceAll(text, strings.TrimSuffix(mountPath, "/")+"/", dir+"/")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
