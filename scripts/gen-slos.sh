#!/usr/bin/env bash
# Generates alerts/slos/generated/*.rules.yml from the Sloth specs in alerts/slos/ with the
# pinned Sloth (scripts/build-sloth.sh). `--check`: generate into a temporary directory and fail
# when the checked-in rules differ (the drift test runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-sloth.sh
out=alerts/slos/generated
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
fi
mkdir -p "$out"
for spec in alerts/slos/*.sloth.yml; do
  name=$(basename "$spec" .sloth.yml)
  ./.tools/bin/sloth generate --no-log -i "$spec" -o "$out/$name.rules.yml"
done
if [ "${1:-}" = "--check" ]; then
  diff -ru alerts/slos/generated "$out" >&2 || {
    echo "gen-slos: alerts/slos/generated differs from what Sloth makes of the specs: run scripts/gen-slos.sh" >&2
    exit 1
  }
  rm -rf "$out"
fi
