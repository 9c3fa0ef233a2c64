#!/usr/bin/env bash
# Installs what busybench needs, idempotently: npm packages (and the build, through `prepare`),
# the Go load engine, and the Debian packages named as arguments when they are missing. A second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# `npm install`, not `npm ci`: npm 11 leaves optional platform packages out of the lock here, which `npm ci` then rejects.
stamp=node_modules/.busybench-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "setup: installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# The build is cheap to check and stale builds are confusing: rebuild when a source is newer.
if [ ! -f dist/cli/index.js ] || [ -n "$(find common mock-server/src collector/src stack/src dashboards/src strategies/src runner/src cli bench loadtests -name '*.ts' -newer dist/cli/index.js -print -quit)" ]; then
  echo "setup: building"
  npx tsc -p tsconfig.build.json
fi

# The Go load engine (loadtests/engine), built with the local Go when its sources changed.
./scripts/build-engine.sh

missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
