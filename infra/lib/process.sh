#!/usr/bin/env bash
# infra/lib/process.sh — process helpers shared by the local-service scripts
# (dynamodb-local.sh, ses-local.sh, radicale.sh), which source it. Functions only; they use
# the caller's log/die.

# is_alive PID: running and not a zombie.
is_alive() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    local stat
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != "Z" ]] || return 1
  fi
}

kill_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
    is_alive "$pid" || return 0
    sleep 0.1
  done
  log "pid $pid did not exit after SIGTERM within ${STOP_TIMEOUT_S}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    is_alive "$pid" || return 0
    sleep 0.1
  done
  log "warning: pid $pid still present after SIGKILL"
}

# lock FD FILE: serialize concurrent invocations (best effort: flock is missing on macOS).
# Lock fds (7 = install, 8 = state dir) are closed for the server process so it never holds them.
lock() {
  if command -v flock >/dev/null 2>&1; then
    eval "exec $1>\"\$2\""
    flock "$1"
  fi
}

unlock() { eval "exec $1>&-"; }

# owns_port PID PORT: the listening socket on PORT belongs to PID (Linux /proc; assumed true elsewhere).
# Guards against another program answering on a port our server failed to bind.
owns_port() {
  local pid="$1" port="$2" inode
  [[ -r /proc/net/tcp && -d "/proc/$pid/fd" ]] || return 0
  local hex
  hex="$(printf '%04X' "$port")"
  for inode in $(awk -v p="$hex" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == p) print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    local fd
    for fd in /proc/"$pid"/fd/*; do
      [[ "$(readlink "$fd" 2>/dev/null)" == "socket:[$inode]" ]] && return 0
    done
  done
  return 1
}
