#!/usr/bin/env bash
# infra/web-test.sh — the web app's tests: that the generated API types (web/src/api.gen.ts)
# match internal/httpapi/openapi.yaml, type checks and the production build (with its size
# budget), Vitest unit tests, then end-to-end tests in headless Chromium (playwright-core, run
# by `node --test`) against a real `tandem dev` on a fresh in-memory DynamoDB Local with the
# demo seed (plus HISTORY past sessions, aggregated, so the HR reports have something to
# show), its clock started at a fixed instant. Everything it starts is stopped on any exit.
#
#   infra/web-test.sh            all of the above
#   WEB_E2E=0 infra/web-test.sh  build and unit tests only
#   WEB_E2E_ONLY=regex infra/web-test.sh   only the end-to-end tests whose names match
#
# Needs Go, Node 20.19+ and Debian's chromium, which it installs with apt-get when missing and
# run as root (never a browser download). Screenshots, the downloaded invite and CSV and the
# server log go to web/e2e/artifacts/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATE=.local/dynamodb-web
SES_STATE=.local/ses-web
TABLE=web-e2e
# A Wednesday between the US (14 March) and UK (28 March) clock changes: New York and London
# are 4 hours apart for the weeks the tests book in, 5 before and after.
NOW=${WEB_E2E_NOW:-2027-03-10T12:00:00Z}
# Six months of past sessions before NOW: enough people per department and month that the
# HR breakdowns and the connection graph are not all hidden (groups under 3 people are).
HISTORY=${WEB_E2E_HISTORY:-360}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=web/e2e/artifacts
WORK=$(mktemp -d)
DEV_PID=""
E2E_PID=""

cleanup() {
  local rc=$?
  if [[ -n "$E2E_PID" ]] && kill -0 "$E2E_PID" 2>/dev/null; then
    kill "$E2E_PID" 2>/dev/null || true
    wait "$E2E_PID" 2>/dev/null || true
  fi
  if [[ -n "$DEV_PID" ]] && kill -0 "$DEV_PID" 2>/dev/null; then
    kill "$DEV_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DEV_PID" 2>/dev/null || true
  fi
  infra/dynamodb-local.sh stop --state-dir "$STATE" >/dev/null 2>&1 || true
  infra/ses-local.sh stop --state-dir "$SES_STATE" >/dev/null 2>&1 || true
  # The CalDAV E2E test (web/e2e/connections.test.mjs) starts its own Radicale there.
  infra/radicale.sh stop --state-dir .local/radicale-web-e2e >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in go node npm; do
  command -v "$tool" >/dev/null || { echo "web-test needs $tool on PATH" >&2; exit 1; }
done

echo "== web: install, API types up to date, type check, build (size budget), unit tests"
# npm ci when node_modules is missing or was installed from another package-lock.json (a
# dependency added since, e.g. openapi-typescript, would be missing otherwise).
LOCK_SUM=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [[ ! -d web/node_modules || "$(cat web/node_modules/.lock-sha256 2>/dev/null)" != "$LOCK_SUM" ]]; then
  (cd web && npm ci --no-audit --no-fund)
  echo "$LOCK_SUM" >web/node_modules/.lock-sha256
fi
# src/api.gen.ts must be what openapi-typescript makes from internal/httpapi/openapi.yaml now
# (regenerate with `npm --prefix web run gen:api`).
(cd web && npm run --silent check:api)
(cd web && npm run build && npm test)

if [[ "${WEB_E2E:-1}" == "0" ]]; then
  echo "== web e2e skipped (WEB_E2E=0)"
  exit 0
fi
# Like Java for DynamoDB Local: install Debian's Chromium when missing and we may (root, apt).
if [[ ! -x "$CHROMIUM" && "$CHROMIUM" == /usr/bin/chromium && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "installing chromium (Debian package)…" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; } >&2
fi
[[ -x "$CHROMIUM" ]] || { echo "web e2e needs Chromium at $CHROMIUM (apt-get install -y chromium), or set CHROMIUM" >&2; exit 1; }

echo "== web e2e: DynamoDB Local, seed, tandem dev -now $NOW"
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png "$ARTIFACTS"/*.ics "$ARTIFACTS"/*.log "$ARTIFACTS"/*.csv
EP=$(infra/dynamodb-local.sh start --in-memory --state-dir "$STATE")
# The SES v2 emulator: tandem dev sends to it, the E2E tests read its mailbox (SES_ENDPOINT).
SES_ENDPOINT=$(infra/ses-local.sh start --state-dir "$SES_STATE")
export SES_ENDPOINT
# One binary for seed and dev: a `go run` in the background would leave its child running
# when the wrapper is killed.
go build -o "$WORK/tandem" ./cmd/tandem
"$WORK/tandem" seed -endpoint "$EP" -table "$TABLE" -now "$NOW" -bookings "$HISTORY" >&2

# An explicit free loopback port (tandem dev -port 0 prefers 4780, which `make run` may hold).
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
URL="http://127.0.0.1:$PORT"
"$WORK/tandem" dev -endpoint "$EP" -table "$TABLE" -port "$PORT" -web web/dist -now "$NOW" >"$ARTIFACTS/tandem-dev.log" 2>&1 &
DEV_PID=$!
for i in $(seq 150); do
  if ! kill -0 "$DEV_PID" 2>/dev/null; then
    echo "tandem dev exited early; its log:" >&2
    cat "$ARTIFACTS/tandem-dev.log" >&2
    exit 1
  fi
  if [[ "$(cat .local/dev.url 2>/dev/null)" == "$URL" ]] && node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$URL/dev/users"; then break; fi
  if [[ $i == 150 ]]; then echo "tandem dev did not answer at $URL within 30 s" >&2; exit 1; fi
  sleep 0.2
done
echo "tandem dev is up at $URL" >&2

echo "== web e2e: headless Chromium"
# In the background and waited for, so a signal reaches the trap at once (bash defers traps
# while a foreground child runs); playwright closes Chromium when node is terminated.
TANDEM_URL="$URL" E2E_NOW="$NOW" E2E_HISTORY="$HISTORY" CHROMIUM="$CHROMIUM" \
  node --test --test-concurrency=1 ${WEB_E2E_ONLY:+--test-name-pattern="$WEB_E2E_ONLY"} web/e2e/ &
E2E_PID=$!
wait "$E2E_PID"
