#!/usr/bin/env bash
# infra/bench.sh — what `make bench` runs: Tandem's request overhead, each handler beside the
# same DynamoDB calls made raw through the SDK in one run (BenchmarkSlotsVsRaw,
# BenchmarkSearchVsRaw in internal/httpapi: wall and CPU time per request of each side and
# the ratios ×raw and cpu×raw; README "Request overhead"). Each benchmark starts a DynamoDB
# Local of its own (dynamotest.Options.Own); the shared one below only satisfies
# REQUIRE_DYNAMODB. No race detector, so the times mean something. BENCHTIME (default 300x),
# BENCH (default VsRaw) select what runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-bench
stop() { infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap stop EXIT INT TERM

DYNAMODB_ENDPOINT=$(infra/dynamodb-local.sh start --in-memory --state-dir "$STATE")
export DYNAMODB_ENDPOINT REQUIRE_DYNAMODB=1
go test -count=1 -timeout 30m -run '^$' -bench "${BENCH:-VsRaw}" -benchtime "${BENCHTIME:-300x}" ./internal/httpapi
