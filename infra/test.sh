#!/usr/bin/env bash
# infra/test.sh — what `make test` runs: static checks, then every Go test with a fresh
# in-memory DynamoDB Local started for this run (REQUIRE_DYNAMODB=1: storage tests fail
# instead of skipping), then the template checks. DynamoDB Local is stopped on any exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-test
stop() { infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap stop EXIT INT TERM

echo "== static checks"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
go vet ./...
# Only the store talks to DynamoDB (STYLE.md): no other package imports service/dynamodb.
leaks=$(grep -rl --include='*.go' 'aws-sdk-go-v2/service/dynamodb"' . | grep -v '^./internal/dynamo/' || true)
if [ -n "$leaks" ]; then echo "service/dynamodb imported outside internal/dynamo: $leaks" >&2; exit 1; fi

echo "== template checks"
infra/check-template.sh

echo "== go test (DynamoDB Local in memory)"
DYNAMODB_ENDPOINT=$(infra/dynamodb-local.sh start --in-memory --state-dir "$STATE")
export DYNAMODB_ENDPOINT REQUIRE_DYNAMODB=1
# observability (internal/obs): every log line of the run is captured, then checked for secrets.
export TANDEM_LOG_CAPTURE="$PWD/.local/log-capture/run.jsonl"; rm -rf .local/log-capture; mkdir -p .local/log-capture
go test -race -count=1 -timeout 20m ${GOTEST_FLAGS:-} ./...
[ -n "${GOTEST_FLAGS:-}" ] || TANDEM_LOG_CHECK="$TANDEM_LOG_CAPTURE" TANDEM_LOG_CAPTURE= go test -count=1 -run '^TestCapturedLogsHaveNoSecret$' -v ./internal/obs | grep -v '^=== RUN'
infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true

if [ -z "${GOTEST_FLAGS:-}" ]; then
  echo "== web (type checks, build and size budget, unit tests, end-to-end in headless Chromium)"
  infra/web-test.sh
fi
