// Package validate checks busybench's Kubernetes manifests without a cluster: each overlay is
// rendered with kustomize's Go library, every object is decoded strictly into its API type
// (an unknown or duplicate field, or an unknown kind, is an error), and the objects are checked
// against each other (what a pod mounts exists, Services select pods, the runners' segments
// match the Job). The tests beside these files run it on deploy/kubernetes.
package validate
