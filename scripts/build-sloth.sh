#!/usr/bin/env bash
# Builds Sloth (github.com/slok/sloth, Apache-2.0), the SLO rule generator, from the Go module
# proxy into .tools/bin/sloth with the local Go: the pinned version, once (a second run does
# nothing). About a minute the first time. alerts/slos/ is generated with it.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v0.16.0
bin="$PWD/.tools/bin/sloth"
stamp="$PWD/.tools/bin/sloth.version"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
go=/usr/local/go/bin/go
command -v go >/dev/null 2>&1 && go=$(command -v go)
if [ ! -x "$go" ]; then
  echo "build-sloth: Go is needed to build Sloth (expected at /usr/local/go/bin/go)" >&2
  exit 1
fi
echo "build-sloth: building Sloth $version into .tools/bin (a minute, once)"
mkdir -p .tools/bin
GOTOOLCHAIN=local GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod "$go" install "github.com/slok/sloth/cmd/sloth@$version"
echo "$version" > "$stamp"
