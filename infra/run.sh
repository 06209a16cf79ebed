#!/usr/bin/env bash
# infra/run.sh — what `make run` does: install what is missing, start DynamoDB Local with a
# persistent database under .local/, create the table and load the demo data, build the web
# app if present, then serve everything with `tandem dev` until Ctrl-C (which also stops
# DynamoDB Local).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-persistent
TABLE=${TABLE_NAME:-tandem-local}
RADICALE_STATE=.local/radicale
FIXTURES_PID=""
stop() {
  infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true
  infra/radicale.sh stop --state-dir "$RADICALE_STATE" >/dev/null 2>&1 || true
  if [ -n "$FIXTURES_PID" ]; then kill "$FIXTURES_PID" 2>/dev/null || true; fi
}
trap stop EXIT INT TERM

command -v go >/dev/null || { echo "make run needs Go 1.26 on PATH" >&2; exit 1; }
EP=$(infra/dynamodb-local.sh start --persistent --state-dir "$STATE")
mkdir -p bin
go build -o bin/tandem ./cmd/tandem

if [ -f web/package.json ]; then
  echo "building the web app…" >&2
  (cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build) >&2
fi

bin/tandem seed -endpoint "$EP" -table "$TABLE" -bookings "${DEMO_HISTORY:-1200}"

# Calendar sources to connect (README "Calendar sources"): a real CalDAV server (Radicale) with a
# calendar for the demo expert, and subscription fixtures served over HTTP.
RADICALE_URL=$(infra/radicale.sh start --state-dir "$RADICALE_STATE" --user maya:maya-dev-password)
curl -s -o /dev/null -u maya:maya-dev-password -X MKCALENDAR "$RADICALE_URL/maya/work/" || true
export RADICALE_URL CALENDAR_ALLOW_PRIVATE=1 # calendar sources on 127.0.0.1 are allowed locally only
rm -f .local/calendars.url
bin/tandem calendars -url-file .local/calendars.url &
FIXTURES_PID=$!
for _ in $(seq 50); do [ -s .local/calendars.url ] && break; sleep 0.1; done
echo "CalDAV for maya@acme.example: $RADICALE_URL/maya/work/ (user maya, password maya-dev-password)" >&2
echo "ICS subscriptions: $(cat .local/calendars.url 2>/dev/null)/ics/google.ics (also outlook.ics, apple.ics, generated-500.ics)" >&2
bin/tandem dev -endpoint "$EP" -table "$TABLE" ${PORT:+-port "$PORT"} "$@"
