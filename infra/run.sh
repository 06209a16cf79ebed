#!/usr/bin/env bash
# infra/run.sh — what `make run` does: install what is missing, start DynamoDB Local with a
# persistent database under .local/, create the table and load the demo data, build the web
# app if present, start the SES v2 emulator (its web mailbox shows every e-mail the app sends;
# SES_ENDPOINT), then serve everything with `tandem dev` until Ctrl-C (which also stops
# DynamoDB Local and the emulator).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-persistent
TABLE=${TABLE_NAME:-tandem-local}
SES_STATE=.local/ses
stop() {
  infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true
  infra/ses-local.sh stop --state-dir "$SES_STATE" >/dev/null 2>&1 || true
}
trap stop EXIT INT TERM

command -v go >/dev/null || { echo "make run needs Go 1.26 on PATH" >&2; exit 1; }
EP=$(infra/dynamodb-local.sh start --persistent --state-dir "$STATE")
SES_ENDPOINT=$(infra/ses-local.sh start --state-dir "$SES_STATE")
export SES_ENDPOINT
mkdir -p bin
go build -o bin/tandem ./cmd/tandem

if [ -f web/package.json ]; then
  echo "building the web app…" >&2
  (cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build) >&2
fi

bin/tandem seed -endpoint "$EP" -table "$TABLE" -bookings "${DEMO_HISTORY:-1200}"
bin/tandem dev -endpoint "$EP" -table "$TABLE" ${PORT:+-port "$PORT"} "$@"
