#!/usr/bin/env bash
# infra/load-test.sh — what `make load-test` runs (and `make scale-test` after its report
# benchmark): the load tests of internal/httpapi/load_test.go against their own in-memory
# DynamoDB Local, under the conflict-faithful model (internal/dynamo/dynamotest/faithful):
# a budgeted org at 50 booking attempts a second for 60 s across 200 experts and 2,000
# learners, a 30-seat circle opened to 300 learners at once, and one hot counter at 50
# transactions a second, whole and in 16 shards. Prints the LOAD| lines.
# Rates and seconds are the model's: the modelled world runs TANDEM_LOAD_SLOWDOWN times
# slower than wall time (default 20, so 60 s of load take 20 minutes; the circle rush's
# TANDEM_LOAD_RUSH_SLOWDOWN, 100) to keep DynamoDB Local's own time small beside the
# modelled times (README "Scale", "Time dilation"). About 45 minutes in all.
# TANDEM_LOAD_RATE, TANDEM_LOAD_SECONDS, TANDEM_LOAD_LATENCY (ms), TANDEM_LOAD_SLOWDOWN,
# TANDEM_LOAD_RUSH_SLOWDOWN, TANDEM_LOAD_EXPERTS, TANDEM_LOAD_LOCAL_CONCURRENCY tune it; TANDEM_LOAD_FAITHFUL=0 runs the
# same load on DynamoDB Local alone (no conflicts, no throttling) for comparison. LOAD_RUN
# selects tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-load
stop() { infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap stop EXIT INT TERM

DYNAMODB_ENDPOINT=$(infra/dynamodb-local.sh start --in-memory --state-dir "$STATE")
export DYNAMODB_ENDPOINT REQUIRE_DYNAMODB=1 TANDEM_LOAD=1
# The figures are the point: a failed guarantee is printed and the run goes on to the next test.
# -p 1: one package at a time, or the two would share DynamoDB Local and each measure the other.
go test -count=1 -p 1 -timeout 120m -run "${LOAD_RUN:-TestLoad}" -v ./internal/httpapi ./internal/dynamo/dynamotest/faithful 2>&1 \
  | grep -E '^(LOAD\||--- |FAIL|ok|PASS)|load_test.go:[0-9]+: .*(want|over|double|orphan|missing)' || true
