#!/usr/bin/env bash
# Generates alerts/slos/generated/ from the Sloth specs in alerts/slos/ with the pinned Sloth
# (scripts/build-sloth.sh): per spec, `<name>.rules.yml` over the SRE workbook's 30-day windows,
# and `<name>.compressed.rules.yml` over the same windows compressed 60x (a 12 h period:
# alerts/slos/windows/), for benchmark runs of minutes, with service `<service>-compressed` and
# alerts named `…Compressed` so both can load side by side; and per OpenSLO file in
# alerts/slos/openslo/, `<name>.openslo.rules.yml` (recordings only). `--check`: generate into a temporary
# directory and fail when the checked-in rules differ (the drift test runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-sloth.sh
sloth=./.tools/bin/sloth
out=alerts/slos/generated
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
fi
work=$(mktemp -d)
mkdir -p "$out"
for spec in alerts/slos/*.sloth.yml; do
  name=$(basename "$spec" .sloth.yml)
  "$sloth" generate --no-log -i "$spec" -o "$out/$name.rules.yml"
  # The compressed variant: the same SLOs, their service and alert names marked.
  sed -e 's/^service: "\(.*\)"$/service: "\1-compressed"/' \
    -e 's/^      name: \(Busybench.*BudgetBurn\)$/      name: \1Compressed/' "$spec" > "$work/$name.yml"
  "$sloth" generate --no-log -i "$work/$name.yml" -o "$out/$name.compressed.rules.yml" \
    --slo-period-windows-path alerts/slos/windows --default-slo-period 12h
done
# The OpenSLO form (alerts/slos/openslo/): recording rules only (Sloth makes no alerts of OpenSLO).
# Sloth writes one YAML document per OpenSLO document and Prometheus reads only a file's first:
# the documents' groups are joined under one `groups:` (the first header kept).
for spec in alerts/slos/openslo/*.openslo.yml; do
  "$sloth" generate --no-log -i "$spec" -o "$work/openslo.yml"
  awk '/^---$/ { docs++; next } docs > 1 && (/^# / || /^groups:$/ || /^$/) { next } { print }' \
    "$work/openslo.yml" > "$out/$(basename "$spec" .openslo.yml).openslo.rules.yml"
done
rm -rf "$work"
if [ "${1:-}" = "--check" ]; then
  diff -ru alerts/slos/generated "$out" >&2 || {
    echo "gen-slos: alerts/slos/generated differs from what Sloth makes of the specs: run scripts/gen-slos.sh" >&2
    exit 1
  }
  rm -rf "$out"
fi
