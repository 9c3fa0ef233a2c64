# The two commands of the README: `make run` (the main job) and `make test` (every test).
# Each installs what it needs first (scripts/setup.sh is idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:
	@echo "make run    - the main job: peak-hour stress test, baseline vs retry, least-outstanding, nginx; scoreboard"
	@echo "make test   - type check, lint, and every test"
	@echo "make bench-mock - mock-server benchmark (wrk; see mock-server/README.md)"
	@echo "make engine - build the Go load engine into .tools/bin (the set-up does it when needed)"

# The main job (4 min 18 s here): the peak-hour scenario (played twice as fast) under a stepped
# stress test, against the baseline and three strategies, nginx among them; prints the
# scoreboard and writes it (HTML, markdown, JSON) with every run's report to results/main/.
run:
	./scripts/setup.sh prometheus prometheus-alertmanager nginx haproxy
	node bin/busybench.js compare --warmup 3s --out results/main

test:
	./scripts/setup.sh chromium prometheus prometheus-alertmanager nginx haproxy redis-server
	./scripts/go-checks.sh
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
