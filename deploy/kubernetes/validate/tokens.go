package validate

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// credentialKeys are the settings of a mounted configuration (Alertmanager's, Prometheus's) that
// name a file holding a secret.
var credentialKeys = []string{"credentials_file", "bearer_token_file", "password_file"}

// Tokens checks the collector's token (issue 26): a collector beyond loopback reads one
// (--token-file, never --insecure), every runner that ships sends one (--ship-token-file), and
// every credentials file a mounted configuration names (Alertmanager's webhook to the collector)
// is there: each a key of a Secret the container mounts, so it comes from the Secret the user made
// and not from a path the pod lacks or anyone could write.
func Tokens(ix *Index) []error {
	var errs []error
	for _, t := range ix.Templates {
		for _, c := range containers(t.Spec) {
			fail := func(format string, a ...any) {
				errs = append(errs, fmt.Errorf("%s: container %s: %s", t.Owner, c.Name, fmt.Sprintf(format, a...)))
			}
			if len(c.Args) > 0 && c.Args[0] == "collect" {
				if host, _ := flagValue(c.Args, "--host"); !loopback(host) {
					if slices.Contains(c.Args, "--insecure") {
						fail("the collector listens on %s with --insecure: anyone who reaches it may post results and alerts", host)
					}
					file, ok := flagValue(c.Args, "--token-file")
					if why := secretFile(ix, t, c, file); !ok || why != "" {
						fail("the collector listens on %s without a --token-file from a mounted Secret: %s", host, orMissing(ok, "--token-file", why))
					}
				}
			}
			if _, ships := flagValue(c.Args, "--ship"); ships {
				file, ok := flagValue(c.Args, "--ship-token-file")
				if why := secretFile(ix, t, c, file); !ok || why != "" {
					fail("ships results without a --ship-token-file from a mounted Secret: %s", orMissing(ok, "--ship-token-file", why))
				}
			}
			for _, cf := range mountedCredentials(ix, t, c) {
				if why := secretFile(ix, t, c, cf.path); why != "" {
					fail("%s %s (%s) %s", cf.key, cf.path, cf.where, why)
				}
			}
		}
	}
	return errs
}

func orMissing(given bool, flag, why string) string {
	if !given {
		return "no " + flag
	}
	return why
}

// loopback reports whether the collector's --host keeps it to its own pod ("" is its default,
// 127.0.0.1).
func loopback(host string) bool {
	return host == "" || host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
}

// secretFile says why path is not a key of a Secret the container mounts ("" when it is).
func secretFile(ix *Index, t PodTemplate, c corev1.Container, path string) string {
	for _, m := range c.VolumeMounts {
		i := slices.IndexFunc(t.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name })
		if i < 0 || t.Spec.Volumes[i].Secret == nil || m.SubPath != "" {
			continue
		}
		file, under := strings.CutPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/")
		if !under {
			continue
		}
		src := t.Spec.Volumes[i].Secret
		key := file
		if len(src.Items) > 0 {
			j := slices.IndexFunc(src.Items, func(k corev1.KeyToPath) bool { return k.Path == file })
			if j < 0 {
				return fmt.Sprintf("is not among the items of Secret %q mounted at %s", src.SecretName, m.MountPath)
			}
			key = src.Items[j].Key
		}
		o, ok := ix.Get("Secret", t.Namespace, src.SecretName)
		if !ok {
			return fmt.Sprintf("is in Secret %q, which is not in the render", src.SecretName)
		}
		s := o.Obj.(*corev1.Secret)
		_, inData := s.Data[key]
		_, inString := s.StringData[key]
		if !inData && !inString {
			return fmt.Sprintf("is no key of Secret %q (mounted at %s): the file would not exist", src.SecretName, m.MountPath)
		}
		return ""
	}
	return fmt.Sprintf("%q is under no Secret the container mounts", path)
}

type credential struct{ key, path, where string }

// mountedCredentials finds the credentials files named in the YAML files of the ConfigMaps a
// container mounts.
func mountedCredentials(ix *Index, t PodTemplate, c corev1.Container) []credential {
	var out []credential
	for _, cm := range mountedConfigMaps(ix, t, c) {
		for name, text := range cm.Data {
			var doc any
			if !strings.HasSuffix(name, ".yml") && !strings.HasSuffix(name, ".yaml") || yaml.Unmarshal([]byte(text), &doc) != nil {
				continue // not this check's to judge: promtool and amtool read the configurations
			}
			yamlStrings(doc, "", func(key, path string) {
				if slices.Contains(credentialKeys, key) {
					out = append(out, credential{key, path, fmt.Sprintf("ConfigMap %s key %s", cm.Name, name)})
				}
			})
		}
	}
	return out
}
