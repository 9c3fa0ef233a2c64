#!/usr/bin/env bash
# The Go modules' own checks, part of `make test`: gofmt, go vet, and their tests. A failure fails
# the test command. The engine's and the Go frame's tests run with the race detector; the Kubernetes manifests'
# validation (deploy/kubernetes/validate) and the dashboards' (dashboards/validate: the JSON
# decoded strictly into Grafana's foundation SDK types), modules of their own, without: they start
# no goroutines of their own, and the race build of their dependencies adds about a minute.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/local-go.sh" go-checks

check_module() { # <dir> [test flags…]
  local dir=$1
  shift
  cd "$root/$dir"
  local unformatted
  unformatted=$("$(dirname "$go")/gofmt" -l .)
  if [ -n "$unformatted" ]; then
    echo "go-checks: not gofmt'd in $dir:" "$unformatted" >&2
    exit 1
  fi
  "$go" vet ./...
  "$go" test -count=1 "$@" ./...
}

check_module loadtests/engine -race
check_module strategies/frame -race
check_module deploy/kubernetes/validate
check_module dashboards/validate
