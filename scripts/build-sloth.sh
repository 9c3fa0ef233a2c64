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
. scripts/local-go.sh build-sloth
echo "build-sloth: building Sloth $version into .tools/bin (a minute, once)"
mkdir -p .tools/bin
GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod "$go" install "github.com/slok/sloth/cmd/sloth@$version"
echo "$version" > "$stamp"
