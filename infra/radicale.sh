#!/usr/bin/env bash
# infra/radicale.sh — install, start and stop Radicale (a real CalDAV server) for tests and `make run`.
#
# Why it looks like this:
#   * Radicale is Debian's package `radicale` (a Python program); it is installed with apt-get when
#     missing (as root), like Java for DynamoDB Local. No Docker.
#   * Each instance has its own config, htpasswd users and collections under a state dir, and
#     listens on 127.0.0.1 only, on a free port picked at start. We record the PID we started and
#     only call it ready when that PID is alive AND answering HTTP.
#   * Users are plain htpasswd lines (user:password): this is a local test server, never exposed.
#
# Usage:
#   infra/radicale.sh install
#   URL=$(infra/radicale.sh start [--state-dir DIR] [--port N] [--user NAME:PASSWORD]... [--fresh])
#   infra/radicale.sh stop     [--state-dir DIR]
#   infra/radicale.sh status   [--state-dir DIR]   (exit 0 running, 1 not running)
#   infra/radicale.sh endpoint [--state-dir DIR]   (prints http://127.0.0.1:N)
#
#   --state-dir DIR  config, users, collections, pid/port/log files; default "$REPO/.local/radicale".
#                    One instance per state dir; `start` on a state dir with a live instance reuses it.
#   --user U:P       a user (repeatable); default "tandem:tandem-dev-password". Users are written at
#                    start, so a reused instance gets new users too (Radicale rereads the file).
#   --fresh          delete the stored calendars first (tests)
#
# Only the endpoint URL goes to stdout; all messages go to stderr.
# Environment: RADICALE (default: radicale on PATH), RADICALE_READY_TIMEOUT_S (default 60).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/process.sh
source "$SCRIPT_DIR/lib/process.sh"
RADICALE="${RADICALE:-radicale}"
READY_TIMEOUT_S="${RADICALE_READY_TIMEOUT_S:-60}"

log() { echo "radicale: $*" >&2; }
die() { echo "radicale: error: $*" >&2; exit 1; }

cmd_install() {
  if command -v "$RADICALE" >/dev/null 2>&1; then return 0; fi
  # As root apt-get runs directly; otherwise through sudo when it needs no password (CI images).
  local as_root=()
  if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
  if { [[ "$(id -u)" == 0 ]] || ((${#as_root[@]})); } && command -v apt-get >/dev/null 2>&1; then
    log "installing the Debian package radicale with apt-get"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends radicale >&2 || {
      "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends radicale >&2
    } || die "apt-get install radicale failed"
    hash -r
    command -v "$RADICALE" >/dev/null 2>&1 || die "installed radicale but '$RADICALE' is not on PATH"
    return 0
  fi
  die "Radicale is needed (Debian/Ubuntu: 'sudo apt-get install -y radicale'; elsewhere: 'pip install radicale') or set RADICALE=/path/to/radicale"
}


# is_ours PID: alive and (where /proc exists) really a Radicale started with our config.
is_ours() {
  is_alive "$1" || return 1
  if [[ -r "/proc/$1/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$CONF" || return 1
  fi
}

answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null; }

pick_port() {
  local i p used=""
  if [[ -r /proc/net/tcp ]]; then
    used="$(awk 'FNR > 1 { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
  fi
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 12768))
    if ! grep -qx "$(printf '%04X' "$p")" <<<"$used"; then echo "$p"; return; fi
  done
  die "could not find a free port; pass --port N"
}

STATE_DIR=""
PORT=""
USERS=()
FRESH=no
parse_opts() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --state-dir) [[ $# -ge 2 && -n "$2" ]] || die "--state-dir needs a directory"; STATE_DIR="$2"; shift ;;
      --state-dir=*) STATE_DIR="${1#*=}" ;;
      --port) [[ $# -ge 2 ]] || die "--port needs a number"; PORT="$2"; shift ;;
      --port=*) PORT="${1#*=}" ;;
      --user) [[ $# -ge 2 && "$2" == *:* ]] || die "--user needs NAME:PASSWORD"; USERS+=("$2"); shift ;;
      --user=*) [[ "${1#*=}" == *:* ]] || die "--user needs NAME:PASSWORD"; USERS+=("${1#*=}") ;;
      --fresh) FRESH=yes ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option '$1' (see '$0 help')" ;;
    esac
    shift
  done
  if [[ -n "$PORT" ]]; then [[ "$PORT" =~ ^[0-9]+$ && "$PORT" -ge 1 && "$PORT" -le 65535 ]] || die "invalid port '$PORT'"; fi
  STATE_DIR="${STATE_DIR:-$REPO/.local/radicale}"
  mkdir -p "$STATE_DIR"
  STATE_DIR="$(cd "$STATE_DIR" && pwd)"
  CONF="$STATE_DIR/config"
  PID_FILE="$STATE_DIR/radicale.pid"
  PORT_FILE="$STATE_DIR/radicale.port"
  LOG_FILE="$STATE_DIR/radicale.log"
}

read_state() {
  RUN_PID="$(cat "$PID_FILE" 2>/dev/null || true)"
  RUN_PORT="$(cat "$PORT_FILE" 2>/dev/null || true)"
}

running() {
  read_state
  [[ -n "$RUN_PID" && -n "$RUN_PORT" ]] && is_ours "$RUN_PID" && answers "$RUN_PORT"
}

write_users() {
  if [[ ${#USERS[@]} -eq 0 ]]; then USERS=("tandem:tandem-dev-password"); fi
  local f="$STATE_DIR/users" u
  : >"$f.tmp"
  chmod 600 "$f.tmp"
  # Keep users an earlier start added (another test's), replace those given now.
  if [[ -f "$f" ]]; then
    while IFS= read -r u; do
      local name="${u%%:*}" keep=yes g
      for g in "${USERS[@]}"; do [[ "${g%%:*}" == "$name" ]] && keep=no; done
      [[ "$keep" == yes && -n "$u" ]] && echo "$u" >>"$f.tmp"
    done <"$f"
  fi
  printf '%s\n' "${USERS[@]}" >>"$f.tmp"
  mv "$f.tmp" "$f"
}

cmd_start() {
  parse_opts "$@"
  command -v curl >/dev/null 2>&1 || die "curl is needed for the readiness check"
  cmd_install
  write_users
  if running; then
    log "reusing running instance (pid $RUN_PID, port $RUN_PORT)"
    [[ "$FRESH" == no ]] || log "warning: --fresh ignored for a running instance"
    echo "http://127.0.0.1:$RUN_PORT"
    return 0
  fi
  if [[ -n "$RUN_PID" ]] && is_ours "$RUN_PID"; then
    die "pid $RUN_PID (state dir $STATE_DIR) is alive but not answering; run '$0 stop --state-dir $STATE_DIR'"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
  [[ "$FRESH" == no ]] || rm -rf "$STATE_DIR/collections"
  mkdir -p "$STATE_DIR/collections"
  local attempt
  for attempt in 1 2 3; do
    local port="${PORT:-$(pick_port)}"
    cat >"$CONF" <<EOF
[server]
hosts = 127.0.0.1:$port
max_content_length = 10000000
timeout = 30

[auth]
type = htpasswd
htpasswd_filename = $STATE_DIR/users
htpasswd_encryption = plain
delay = 0

[rights]
type = owner_only

[storage]
filesystem_folder = $STATE_DIR/collections

[web]
type = none

[logging]
level = warning
mask_passwords = True
EOF
    log "starting Radicale on 127.0.0.1:$port (state dir $STATE_DIR)"
    local detach=nohup
    command -v setsid >/dev/null 2>&1 && detach=setsid
    ("$detach" "$RADICALE" --config "$CONF") </dev/null >"$LOG_FILE" 2>&1 &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    echo "$port" >"$PORT_FILE"
    local start_s=$SECONDS
    while ((SECONDS - start_s < READY_TIMEOUT_S)); do
      if ! is_alive "$pid"; then break; fi
      if answers "$port"; then
        log "ready on 127.0.0.1:$port (pid $pid, log $LOG_FILE)"
        echo "http://127.0.0.1:$port"
        return 0
      fi
      sleep 0.1
    done
    if is_alive "$pid"; then
      kill "$pid" 2>/dev/null || true
      rm -f "$PID_FILE" "$PORT_FILE"
      tail -n 20 "$LOG_FILE" >&2 || true
      die "not answering on 127.0.0.1:$port after ${READY_TIMEOUT_S}s"
    fi
    rm -f "$PID_FILE" "$PORT_FILE"
    if [[ -z "$PORT" ]] && grep -qiE 'address already in use|Errno 98' "$LOG_FILE" 2>/dev/null; then
      log "port $port was taken meanwhile; retrying with another port"
      continue
    fi
    break
  done
  log "Radicale exited during startup. Log tail ($LOG_FILE):"
  tail -n 20 "$LOG_FILE" >&2 || true
  exit 1
}

cmd_stop() {
  parse_opts "$@"
  read_state
  if [[ -z "$RUN_PID" ]]; then log "not running ($STATE_DIR)"; return 0; fi
  if is_ours "$RUN_PID"; then
    log "stopping pid $RUN_PID ($STATE_DIR)"
    kill -TERM "$RUN_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do is_alive "$RUN_PID" || break; sleep 0.1; done
    if is_alive "$RUN_PID"; then kill -KILL "$RUN_PID" 2>/dev/null || true; fi
  else
    log "pid $RUN_PID is not our Radicale (stale pid file); not killing it"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
}

cmd_status() {
  parse_opts "$@"
  if running; then echo "running: pid $RUN_PID, http://127.0.0.1:$RUN_PORT, state dir $STATE_DIR"; return 0; fi
  echo "not running (state dir $STATE_DIR)"
  return 1
}

cmd_endpoint() {
  parse_opts "$@"
  running || die "no running Radicale for state dir $STATE_DIR (start it with '$0 start')"
  echo "http://127.0.0.1:$RUN_PORT"
}

usage() { sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; }

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    endpoint) cmd_endpoint "$@" ;;
    help | -h | --help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
