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
. scripts/local-go.sh build-engine
echo "build-engine: building the load engine into .tools/bin"
mkdir -p .tools/bin
(cd "$src" && "$go" build -trimpath -o "$bin" ./cmd/busybench-engine)
