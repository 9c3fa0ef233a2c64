#!/usr/bin/env bash
# Builds the pinned k6 from Go modules into .tools/bin/k6, once. A second run does nothing.
# BUSYBENCH_K6=/path/to/k6 points at a k6 of your own instead (nothing is built then).
set -euo pipefail
cd "$(dirname "$0")/.."

K6_VERSION=v1.8.1
if [ -n "${BUSYBENCH_K6:-}" ]; then
  "$BUSYBENCH_K6" version >/dev/null || { echo "install-k6: BUSYBENCH_K6=$BUSYBENCH_K6 does not run" >&2; exit 1; }
  exit 0
fi
bin="$PWD/.tools/bin/k6"
if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "k6 $K6_VERSION "; then
  exit 0
fi
go=/usr/local/go/bin/go
command -v go >/dev/null 2>&1 && go=$(command -v go)
if [ ! -x "$go" ]; then
  echo "install-k6: Go is needed to build k6 $K6_VERSION (expected at /usr/local/go/bin/go);" \
    "install Go, or set BUSYBENCH_K6 to a k6 binary" >&2
  exit 1
fi
echo "install-k6: building k6 $K6_VERSION from Go modules into .tools/bin (a few minutes, once)"
mkdir -p .tools/bin
GOTOOLCHAIN=local GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod "$go" install "go.k6.io/k6@$K6_VERSION"
"$bin" version
