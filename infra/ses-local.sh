#!/usr/bin/env bash
# infra/ses-local.sh — install, start and stop the SES v2 emulator for tests and `make run`.
#
# Why it looks like this:
#   * The emulator is the npm package aws-ses-v2-local@2.10.2 (a Node.js server answering the
#     SES v1 and v2 HTTP APIs, with a web mailbox at / and the sent mail as JSON at GET /store).
#     It has runtime dependencies (express, mailparser, ...), so unlike DynamoDB Local a bare
#     `npm pack` is not enough: infra/ses-local/package-lock.json pins the package and every
#     dependency with its sha512, and we install exactly that with `npm ci --ignore-scripts`
#     (no install scripts run) into the download cache. npm refuses a tarball whose hash differs
#     from the lock, so a changed or tampered package fails loudly. The script also checks that
#     the lock still pins the emulator at EMU_VERSION with EMU_INTEGRITY.
#   * It binds 127.0.0.1 only (the package's default is every interface), on a free port, and is
#     ready when its own PID answers GET /health-check.
#   * The mailbox is kept in the process's memory: stopping it forgets every message.
#
# Usage:
#   infra/ses-local.sh install
#   EP=$(infra/ses-local.sh start [--port N] [--state-dir DIR])
#   infra/ses-local.sh stop     [--state-dir DIR]
#   infra/ses-local.sh status   [--state-dir DIR]   (exit 0 running, 1 not running)
#   infra/ses-local.sh endpoint [--state-dir DIR]   (prints http://127.0.0.1:N)
#
#   --port N         default: a free port picked at start
#   --state-dir DIR  pid/port/log files; default "$REPO/.local/ses". One instance per state dir;
#                    `start` on a state dir with a live instance reuses it.
#
# The endpoint is both the SES API endpoint (SES_ENDPOINT, the SDK's endpoint override) and the
# mailbox web page. Only the endpoint URL goes to stdout; all messages go to stderr.
# Environment: SES_LOCAL_CACHE_DIR (default "$REPO/.cache/ses-local"), NODE (default: node on
# PATH), SES_READY_TIMEOUT_S (default 60).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/process.sh
source "$SCRIPT_DIR/lib/process.sh"

EMU_PKG="aws-ses-v2-local"
EMU_VERSION="2.10.2"
EMU_INTEGRITY="sha512-dqrnVtLqgeslS/TKHbCJowN3Fyutcxm6ZLAUsbFsc9XyDsSoQFyGOV/MFSAxDfNrcfLaSQg3wRPIpvgiOztHwg=="
PIN_DIR="$SCRIPT_DIR/ses-local" # package.json + package-lock.json

CACHE_DIR="${SES_LOCAL_CACHE_DIR:-$REPO/.cache/ses-local}"
NODE="${NODE:-node}"
READY_TIMEOUT_S="${SES_READY_TIMEOUT_S:-60}"
STOP_TIMEOUT_S=10

log() { echo "ses-local: $*" >&2; }
die() { echo "ses-local: error: $*" >&2; exit 1; }

CLEANUP_DIR=""
trap 'if [[ -n "$CLEANUP_DIR" ]]; then rm -rf "$CLEANUP_DIR"; fi' EXIT


sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | awk '{print $1}'
  else die "need sha256sum or shasum"; fi
}

# ---------------------------------------------------------------------------------------------- install

LOCK_SUM="$(sha256_of "$PIN_DIR/package-lock.json")"
DIST_DIR="$CACHE_DIR/$EMU_PKG-$EMU_VERSION-${LOCK_SUM:0:12}"
CLI="$DIST_DIR/node_modules/$EMU_PKG/dist/cli.js"
MARKER="$DIST_DIR/.verified"

ensure_node() {
  command -v "$NODE" >/dev/null 2>&1 ||
    die "the SES emulator needs Node.js 20.19+ (Debian/Ubuntu: 'apt-get install -y nodejs npm'; or set NODE=/path/to/node)"
  local v
  v="$("$NODE" -p 'process.versions.node' 2>/dev/null)" || die "'$NODE' does not run"
  local major="${v%%.*}" minor
  minor="${v#*.}"; minor="${minor%%.*}"
  if ((major < 20 || (major == 20 && minor < 19))); then
    die "found Node.js $v; the SES emulator's dependencies need 20.19 or newer"
  fi
}

is_installed() {
  [[ -f "$MARKER" && "$(cat "$MARKER")" == "$LOCK_SUM" && -f "$CLI" ]]
}

cmd_install() {
  ensure_node
  if is_installed; then return 0; fi
  # The lock must still pin the emulator we reviewed; bumping it means editing both.
  grep -A2 "\"node_modules/$EMU_PKG\": {" "$PIN_DIR/package-lock.json" | grep -qF "\"integrity\": \"$EMU_INTEGRITY\"" ||
    die "$PIN_DIR/package-lock.json does not pin $EMU_PKG@$EMU_VERSION with $EMU_INTEGRITY; update EMU_VERSION/EMU_INTEGRITY in $0 together with the lock"
  mkdir -p "$CACHE_DIR"
  lock 7 "$CACHE_DIR/.install.lock"
  if is_installed; then unlock 7; return 0; fi
  command -v npm >/dev/null 2>&1 ||
    die "npm is needed to install the SES emulator ($EMU_PKG@$EMU_VERSION); install Node.js/npm"

  log "installing $EMU_PKG@$EMU_VERSION with 'npm ci --ignore-scripts' (lock $PIN_DIR/package-lock.json) into $DIST_DIR"
  CLEANUP_DIR="$(mktemp -d "$CACHE_DIR/.install.XXXXXX")"
  cp "$PIN_DIR/package.json" "$PIN_DIR/package-lock.json" "$CLEANUP_DIR/"
  (cd "$CLEANUP_DIR" && npm ci --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error) >&2 ||
    die "'npm ci' for $EMU_PKG failed (an integrity error means a package differs from the lock: do not bypass it, find out why)"
  local got
  got="$("$NODE" -p "require('$CLEANUP_DIR/node_modules/$EMU_PKG/package.json').version")" ||
    die "installed tree has no $EMU_PKG"
  [[ "$got" == "$EMU_VERSION" ]] || die "installed $EMU_PKG $got, expected $EMU_VERSION"
  echo "$LOCK_SUM" >"$CLEANUP_DIR/.verified"
  rm -rf "$DIST_DIR"
  mv "$CLEANUP_DIR" "$DIST_DIR"
  CLEANUP_DIR=""
  unlock 7
  log "installed $EMU_PKG $EMU_VERSION in $DIST_DIR"
}

# ---------------------------------------------------------------------------------------------- process helpers


# is_ours PID: alive and (where /proc exists) really the emulator, so a recycled PID is never killed.
is_ours() {
  is_alive "$1" || return 1
  if [[ -r "/proc/$1/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$EMU_PKG/dist/cli.js" || return 1
  fi
}

# answers PORT: GET /health-check says 200.
answers() {
  if command -v curl >/dev/null 2>&1; then
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/health-check" 2>/dev/null)" == 200 ]]
  else
    "$NODE" -e "require('http').get('http://127.0.0.1:$1/health-check',r=>process.exit(r.statusCode==200?0:1)).on('error',()=>process.exit(1))" 2>/dev/null
  fi
}


used_ports() {
  awk 'FNR > 1 { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# port_free PORT: no socket listens on PORT (any interface; Linux /proc, else a connect attempt).
port_free() {
  if [[ -r /proc/net/tcp ]]; then
    ! awk 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
      grep -qx "$(printf '%04X' "$1")"
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# pick_port: a port in 20000-32767 (below Linux's ephemeral range) with no socket on it.
pick_port() {
  local i p used=""
  if [[ -r /proc/net/tcp ]]; then used="$(used_ports)"; fi
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 12768))
    if [[ -n "$used" ]]; then
      grep -qx "$(printf '%04X' "$p")" <<<"$used" || { echo "$p"; return; }
    elif ! answers "$p" && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return
    fi
  done
  die "could not find a free port; pass --port N"
}


# ---------------------------------------------------------------------------------------------- options

PORT=""
STATE_DIR=""

parse_opts() {
  local allow_port="$1"
  shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --state-dir)
        [[ $# -ge 2 && -n "$2" ]] || die "--state-dir needs a directory"
        STATE_DIR="$2"; shift ;;
      --state-dir=*) STATE_DIR="${1#*=}"; [[ -n "$STATE_DIR" ]] || die "--state-dir needs a directory" ;;
      --port | --port=*)
        [[ "$allow_port" == yes ]] || die "--port is only valid for start"
        if [[ "$1" == --port ]]; then
          [[ $# -ge 2 ]] || die "--port needs a number"
          PORT="$2"; shift
        else
          PORT="${1#*=}"
        fi
        [[ "$PORT" =~ ^[0-9]+$ && "$PORT" -ge 1 && "$PORT" -le 65535 ]] || die "invalid port '$PORT'" ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option '$1' (see '$0 help')" ;;
    esac
    shift
  done
  STATE_DIR="${STATE_DIR:-$REPO/.local/ses}"
  mkdir -p "$STATE_DIR"
  STATE_DIR="$(cd "$STATE_DIR" && pwd)"
  PID_FILE="$STATE_DIR/ses.pid"
  PORT_FILE="$STATE_DIR/ses.port"
  LOG_FILE="$STATE_DIR/ses.log"
}

read_state() {
  RUN_PID="$(cat "$PID_FILE" 2>/dev/null || true)"
  RUN_PORT="$(cat "$PORT_FILE" 2>/dev/null || true)"
}

clear_state() { rm -f "$PID_FILE" "$PORT_FILE"; }

running() {
  read_state
  [[ -n "$RUN_PID" && -n "$RUN_PORT" ]] && is_ours "$RUN_PID" && answers "$RUN_PORT" && owns_port "$RUN_PID" "$RUN_PORT"
}

# ---------------------------------------------------------------------------------------------- commands

# launch PORT: start the server, wait until ready. Returns 2 if it died (e.g. port clash).
launch() {
  local port="$1"
  local detach=nohup
  command -v setsid >/dev/null 2>&1 && detach=setsid
  # The ( ) & subshell is not a process-group leader, so `exec setsid node` does not fork and $!
  # is the node PID itself.
  (cd "$DIST_DIR" && exec "$detach" "$NODE" "$CLI" --host 127.0.0.1 --port "$port") \
    </dev/null >"$LOG_FILE" 2>&1 7>&- 8>&- &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$port" >"$PORT_FILE"
  local start_s=$SECONDS
  while ((SECONDS - start_s < READY_TIMEOUT_S)); do
    if ! is_alive "$pid"; then
      clear_state
      return 2
    fi
    if answers "$port" && owns_port "$pid" "$port"; then
      log "ready on 127.0.0.1:$port (pid $pid, mailbox http://127.0.0.1:$port/, log $LOG_FILE)"
      return 0
    fi
    sleep 0.1
  done
  log "not answering on 127.0.0.1:$port after ${READY_TIMEOUT_S}s; killing pid $pid. Log tail:"
  tail -n 30 "$LOG_FILE" >&2 || true
  kill_pid "$pid"
  clear_state
  exit 1
}

cmd_start() {
  parse_opts yes "$@"
  lock 8 "$STATE_DIR/.lock"
  read_state
  if [[ -n "$RUN_PID" ]] && is_ours "$RUN_PID"; then
    [[ -z "$PORT" || "$PORT" == "$RUN_PORT" ]] ||
      die "state dir $STATE_DIR already runs an emulator on port $RUN_PORT, not $PORT; stop it first"
    if running; then
      log "reusing running emulator (pid $RUN_PID)"
      echo "http://127.0.0.1:$RUN_PORT"
      return 0
    fi
    die "pid $RUN_PID (state dir $STATE_DIR) is alive but not answering on 127.0.0.1:$RUN_PORT; run '$0 stop --state-dir $STATE_DIR'"
  fi
  clear_state
  cmd_install

  local attempt rc
  for attempt in 1 2 3; do
    local port="$PORT"
    if [[ -z "$port" ]]; then
      port="$(pick_port)"
    elif ! port_free "$port"; then
      die "port $port is already in use; pick another --port or omit it to get a free one"
    fi
    log "starting $EMU_PKG $EMU_VERSION on 127.0.0.1:$port"
    rc=0
    launch "$port" || rc=$?
    if [[ $rc == 0 ]]; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    # A port taken between the pick and the bind: node reports EADDRINUSE, or (express 5's
    # listen callback) "Server does not have an address".
    if grep -qE 'EADDRINUSE|does not have an address' "$LOG_FILE" 2>/dev/null; then
      [[ -z "$PORT" ]] || die "port $PORT is already in use; pick another --port or omit it"
      log "port $port was taken meanwhile; retrying with another port"
      continue
    fi
    break
  done
  log "the emulator exited during startup. Log tail ($LOG_FILE):"
  tail -n 30 "$LOG_FILE" >&2 || true
  exit 1
}

cmd_stop() {
  parse_opts no "$@"
  lock 8 "$STATE_DIR/.lock"
  read_state
  if [[ -z "$RUN_PID" ]]; then
    clear_state
    log "not running ($STATE_DIR)"
    return 0
  fi
  if is_ours "$RUN_PID"; then
    log "stopping pid $RUN_PID ($STATE_DIR)"
    kill_pid "$RUN_PID"
  elif is_alive "$RUN_PID"; then
    log "pid $RUN_PID is not the SES emulator (stale pid file); not killing it"
  else
    log "not running (removed stale pid file)"
  fi
  clear_state
}

cmd_status() {
  parse_opts no "$@"
  if running; then
    echo "running: pid $RUN_PID, http://127.0.0.1:$RUN_PORT, state dir $STATE_DIR"
    return 0
  fi
  if [[ -n "$RUN_PID" ]] && is_ours "$RUN_PID"; then
    echo "unhealthy: pid $RUN_PID alive but not answering on 127.0.0.1:$RUN_PORT (state dir $STATE_DIR)"
  else
    echo "not running (state dir $STATE_DIR)"
  fi
  return 1
}

cmd_endpoint() {
  parse_opts no "$@"
  running || die "no running SES emulator for state dir $STATE_DIR (start it with '$0 start')"
  echo "http://127.0.0.1:$RUN_PORT"
}

usage() { sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; }

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) [[ $# -eq 0 ]] || die "install takes no options"; cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    endpoint) cmd_endpoint "$@" ;;
    help | -h | --help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
