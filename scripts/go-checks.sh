#!/usr/bin/env bash
# The Go engine's own checks, part of `make test`: gofmt, go vet, and its tests with the race
# detector. A failure fails the test command.
set -euo pipefail
cd "$(dirname "$0")/../loadtests/engine"
export GOTOOLCHAIN=local
go=/usr/local/go/bin/go
command -v go >/dev/null 2>&1 && go=$(command -v go)
unformatted=$("$(dirname "$go")/gofmt" -l .)
if [ -n "$unformatted" ]; then
  echo "go-checks: not gofmt'd:" "$unformatted" >&2
  exit 1
fi
"$go" vet ./...
"$go" test -race -count=1 ./...
