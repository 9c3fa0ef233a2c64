#!/usr/bin/env bash
# Builds the Go load engine (loadtests/engine) into .tools/bin/busybench-engine with the local
# Go, when a source is newer than the binary. A second run does nothing. Seconds, not minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$PWD/.tools/bin/busybench-engine"
src=loadtests/engine
if [ -x "$bin" ] && [ -z "$(find "$src" \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name '*.json' \) -newer "$bin" -print -quit)" ]; then
  exit 0
fi
go=/usr/local/go/bin/go
command -v go >/dev/null 2>&1 && go=$(command -v go)
if [ ! -x "$go" ]; then
  echo "build-engine: Go is needed to build the load engine (expected at /usr/local/go/bin/go)" >&2
  exit 1
fi
echo "build-engine: building the load engine into .tools/bin"
mkdir -p .tools/bin
(cd "$src" && GOTOOLCHAIN=local "$go" build -trimpath -o "$bin" ./cmd/busybench-engine)
