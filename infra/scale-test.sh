#!/usr/bin/env bash
# infra/scale-test.sh — what `make scale-test` runs: BenchmarkReportVsHistory with 100,000
# bookings of history (TANDEM_REPORT_SCALE overrides) against its own in-memory DynamoDB
# Local, without the race detector so the latencies mean something. The bulk import takes
# most of the time (100,000 bookings took under two minutes on 2026-11-28). Prints ms-1k, ms-<N>k, ratio.
# Then the load test (infra/load-test.sh, `make load-test`) on a DynamoDB Local of its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-scale
stop() { infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap stop EXIT INT TERM

DYNAMODB_ENDPOINT=$(infra/dynamodb-local.sh start --in-memory --state-dir "$STATE")
export DYNAMODB_ENDPOINT REQUIRE_DYNAMODB=1
export TANDEM_REPORT_SCALE=${TANDEM_REPORT_SCALE:-100000}
go test -count=1 -timeout 60m -run '^$' -bench 'ReportVsHistory' -benchtime "${BENCHTIME:-30x}" ./internal/httpapi
stop
infra/load-test.sh
