#!/usr/bin/env bash
# Builds the Go programs into .tools/bin with the local Go, each when a source of it is newer
# than its binary: the load engine (loadtests/engine → busybench-engine) and the Go frame
# (strategies/frame → busybench-frame); with an argument (engine or frame), that one alone, so a
# run that needs one is not stopped by the other. A second run does nothing. Seconds, not minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

build() { # <module dir> <command> <what>
  local src=$1 cmd=$2 what=$3
  local bin="$PWD/.tools/bin/$cmd"
  if [ -x "$bin" ] && [ -z "$(find "$src" \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name '*.json' \) -newer "$bin" -print -quit)" ]; then
    return 0
  fi
  . scripts/local-go.sh build-engine
  echo "build-engine: building $what into .tools/bin"
  mkdir -p .tools/bin
  (cd "$src" && "$go" build -trimpath -o "$bin" "./cmd/$cmd")
}

what=${1:-all}
case $what in
  engine | frame | all) ;;
  *) echo "build-engine: build engine, frame or all, not $what" >&2; exit 2 ;;
esac
[ "$what" = frame ] || build loadtests/engine busybench-engine "the load engine"
[ "$what" = engine ] || build strategies/frame busybench-frame "the Go frame"
