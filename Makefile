# The two commands of the README: `make run` (the main job) and `make test` (every test).
# Each installs what it needs first (scripts/setup.sh is idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:
	@echo "make run    - the main job: capacity and fault experiments for passthrough, retry, balance-lor, nginx, haproxy; scoreboard"
	@echo "make test   - type check, lint, and every test"
	@echo "make bench-mock - mock-server benchmark (wrk; see mock-server/README.md)"
	@echo "make engine - build the Go load engine into .tools/bin (the set-up does it when needed)"

# The main job (7 min 44 s here): busybench compare's defaults, both experiments (capacity:
# 600-3 000 req/s stepped against a mock of fixed capacity; faults: outage-recovery at 1 000
# req/s) for the baseline and four strategies; prints the scoreboard and writes it (HTML with
# charts, markdown, JSON) with every run's report to results/main/. fonts-noto-cjk: the HTML
# scoreboard and reports are in Chinese under a Chinese locale (--lang), and need its glyphs.
run:
	./scripts/setup.sh prometheus prometheus-alertmanager nginx haproxy fonts-noto-cjk
	node bin/busybench.js compare --warmup 3s --out results/main --experiment capacity,faults,trace \
	  --trace loadtests/traces/azure-conv-2023-excerpt.csv --trace-rate 450

test:
	./scripts/setup.sh chromium prometheus prometheus-alertmanager nginx haproxy redis-server fonts-noto-cjk strace
	./scripts/go-checks.sh
	./scripts/build-sloth.sh
	npx tsc --noEmit -p tsconfig.json
	npx biome check .
	npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results.json; \
	  status=$$?; node scripts/test-summary.mjs .test-results.json; exit $$status

bench-mock:
	./scripts/setup.sh wrk
	node dist/bench/mock-server-bench.js

engine:
	./scripts/build-engine.sh

.PHONY: help run test bench-mock engine
