#!/usr/bin/env bash
# infra/test.sh — what `make test` runs: static checks, the template checks, then every Go
# test with a fresh in-memory DynamoDB Local started for this run (REQUIRE_DYNAMODB=1: storage
# tests fail instead of skipping), then the IAM check: the test harnesses record every AWS
# action each function performs (TANDEM_AWS_ACTIONS_DIR, package internal/awsaccess), and
# template.yaml must grant each function exactly those. DynamoDB Local is stopped on any exit.
#
# Environment: GOTEST_FLAGS (extra go test flags; with them the IAM and web steps are
# skipped, since a partial run does not record every action), DDB_TEST_STATE_DIR (DynamoDB
# Local's state dir, default .local/dynamodb-test), SES_TEST_STATE_DIR (the SES emulator's,
# default .local/ses-test; the run also starts it: SES_ENDPOINT, REQUIRE_SES=1), DDB_READY_TIMEOUT_S and
# TANDEM_START_TIMEOUT (how long DynamoDB Local and the Lambda emulator may take to start;
# generous defaults, see infra/dynamodb-local.sh and internal/rie).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE="${DDB_TEST_STATE_DIR:-.local/dynamodb-test}"
SES_STATE="${SES_TEST_STATE_DIR:-.local/ses-test}"
ACTIONS=$(mktemp -d)
stop() {
  infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true
  infra/ses-local.sh stop --state-dir "$SES_STATE" >/dev/null 2>&1 || true
  rm -rf "$ACTIONS"
}
trap stop EXIT INT TERM

echo "== static checks"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted" >&2; exit 1; fi
go vet ./...
# Only the store talks to DynamoDB: no other package imports service/dynamodb.
leaks=$(grep -rl --include='*.go' 'aws-sdk-go-v2/service/dynamodb"' . | grep -v '^./internal/dynamo/' || true)
if [ -n "$leaks" ]; then echo "service/dynamodb imported outside internal/dynamo: $leaks" >&2; exit 1; fi

echo "== template checks"
infra/check-template.sh

echo "== go test (DynamoDB Local in memory)"
DYNAMODB_ENDPOINT=$(infra/dynamodb-local.sh start --in-memory --state-dir "$STATE")
export DYNAMODB_ENDPOINT REQUIRE_DYNAMODB=1
# The SES v2 emulator (aws-ses-v2-local): mail tests send to it and read what it received.
SES_ENDPOINT=$(infra/ses-local.sh start --state-dir "$SES_STATE")
export SES_ENDPOINT REQUIRE_SES=1
# observability (internal/obs): every log line of the run is captured, then checked for secrets.
export TANDEM_LOG_CAPTURE="$PWD/.local/log-capture/run.jsonl"; rm -rf .local/log-capture; mkdir -p .local/log-capture
TANDEM_AWS_ACTIONS_DIR="$ACTIONS" go test -race -count=1 -timeout 30m ${GOTEST_FLAGS:-} ./...
[ -n "${GOTEST_FLAGS:-}" ] || TANDEM_LOG_CHECK="$TANDEM_LOG_CAPTURE" TANDEM_LOG_CAPTURE= go test -count=1 -run '^TestCapturedLogsHaveNoSecret$' -v ./internal/obs | grep -v '^=== RUN'
infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true
infra/ses-local.sh stop --state-dir "$SES_STATE" >/dev/null 2>&1 || true

if [ -z "${GOTEST_FLAGS:-}" ]; then
  echo "== IAM: template.yaml grants each function exactly the AWS actions its tests performed"
  TANDEM_IAM_CHECK_DIR="$ACTIONS" go test -count=1 -v -run '^TestIAMGrantsEqualRecordedActions$' ./internal/samtemplate |
    grep -v '^=== RUN' || { echo "IAM check failed: see the lines above" >&2; exit 1; }
fi

if [ -z "${GOTEST_FLAGS:-}" ]; then
  echo "== web (type checks, build and size budget, unit tests, end-to-end in headless Chromium)"
  infra/web-test.sh
fi
