#!/usr/bin/env bash
# infra/coldstart.sh — measure the Lambda bootstrap budget (binary size, init) and print it
# as a markdown table (`make coldstart`):
#   * size: each function of template.yaml built exactly as `make build-<LogicalId>` builds it
#     (GOOS=linux GOARCH=arm64 CGO_ENABLED=0 -tags lambda.norpc -trimpath -ldflags "-s -w");
#     budget ≤ 12 MB (12,000,000 bytes);
#   * init instructions (the budget's measure): the same build for this machine's
#     architecture, run RUNS times (default 5) under valgrind against a stub Runtime API, with
#     the environment a deployed function has; the median count of instructions executed from
#     exec until the bootstrap asks for its first event: package init and main's setup (logger,
#     store, SDK clients, router) alike (rie.InitInstructions). Budget ≤ 1.1 × the SDK's floor:
#     a hello-world bootstrap that builds the DynamoDB client the way the functions do
#     (internal/dynamo/testdata/floor); a bare hello-world (internal/rie/testdata/hello) is
#     shown too. Why instructions: on a shared machine wall-clock init is mostly waiting for a
#     core (hello-world's 14 ms init took 408 ms at a load average of 25), while the count moves
#     by 1-3% between runs (measured at load averages of 9-23). It leaves out kernel work (exec, page faults),
#     which grows with the binary, so size has its own budget;
#   * init ms (information, not a budget): RIE's "INIT REPORT (durationMs)" (the REPORT line's
#     Init Duration is wrong) against a stub DynamoDB, median of the same RUNS, interleaved
#     with the counts: compare ratios, not milliseconds, and only on a quiet machine;
#   * init network I/O: what each bootstrap connects to before asking for its first event,
#     against DynamoDB Local and against AWS (rie.InitNetwork); budget: none.
# Runs are interleaved across bootstraps after one untimed start each. Needs valgrind
# (installed with apt-get when missing and running as root). Exit status 1 when a budget is missed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${RUNS:-5}"
GO="${GO:-go}"
HOST_ARCH="$($GO env GOARCH)"
MAX_BYTES=12000000
MAX_RATIO=1.1 # × floor

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# valgrind is Debian's package; installed here when missing and we may (as infra/web-test.sh does chromium).
if ! command -v valgrind >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "coldstart: installing valgrind with apt-get" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind; } >&2 || true
fi
command -v valgrind >/dev/null || { echo "coldstart: needs valgrind to count init instructions (apt-get install valgrind)" >&2; exit 1; }

# Function logical ids, in template order (the template's two-space resource indentation).
functions=$(awk '/^  [A-Za-z0-9]+:[[:space:]]*$/ { id = $1; sub(":", "", id) }
                 /^    Type: AWS::Serverless::Function[[:space:]]*$/ { print id }' template.yaml)
[[ -n "$functions" ]] || { echo "coldstart: no AWS::Serverless::Function in template.yaml" >&2; exit 1; }

build() { # build ARCH PKG OUT
  GOOS=linux GOARCH="$1" CGO_ENABLED=0 $GO build -tags lambda.norpc -trimpath -ldflags "-s -w" -o "$3" "$2"
}

names=(hello-world floor)
pkgs=(./internal/rie/testdata/hello ./internal/dynamo/testdata/floor)
for fn in $functions; do
  dir="functions/$(echo "${fn%Function}" | tr '[:upper:]' '[:lower:]')"
  names+=("$fn")
  pkgs+=("./$dir")
done

echo "coldstart: building ${#names[@]} bootstraps for arm64 and $HOST_ARCH" >&2
declare -A size host
for i in "${!names[@]}"; do
  n=${names[$i]}
  build arm64 "${pkgs[$i]}" "$tmp/arm64/$n/bootstrap"
  size[$n]=$(wc -c <"$tmp/arm64/$n/bootstrap" | tr -d ' ')
  if [[ "$HOST_ARCH" == arm64 ]]; then
    host[$n]="$tmp/arm64/$n/bootstrap"
  else
    build "$HOST_ARCH" "${pkgs[$i]}" "$tmp/$HOST_ARCH/$n/bootstrap"
    host[$n]="$tmp/$HOST_ARCH/$n/bootstrap"
  fi
done
$GO build -o "$tmp/rierun" ./internal/rie/cmd/rierun
$GO tool -n aws-lambda-rie >/dev/null # build the emulator before timing anything

echo "coldstart: $RUNS cold starts each under aws-lambda-rie and valgrind" >&2
hostbins=()
for n in "${names[@]}"; do hostbins+=("${host[$n]}"); done
declare -A instr counts median samples net
while IFS=$'\t' read -r path ins cnt med smp io; do
  for n in "${names[@]}"; do
    if [[ "${host[$n]}" == "$path" ]]; then
      instr[$n]=$ins; counts[$n]=$cnt; median[$n]=$med; samples[$n]=$smp; net[$n]=$io
    fi
  done
done < <("$tmp/rierun" coldstart -runs "$RUNS" "${hostbins[@]}")

floor=${instr[floor]}
floor_ms=${median[floor]}
over=0
echo
echo "Cold start, $(date -u '+%Y-%m-%d %H:%M UTC'), $($GO env GOVERSION), init on linux/$HOST_ARCH ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)), median of $RUNS:"
echo
echo "| function | arm64 stripped | init instructions | × floor | init under RIE (ms) | × floor (ms) | init network I/O | within budget |"
echo "|---|---:|---:|---:|---:|---:|---|---|"
for n in "${names[@]}"; do
  mb=$(awk -v b="${size[$n]}" 'BEGIN { printf "%.1f MB", b / 1e6 }')
  mi=$(awk -v c="${instr[$n]}" 'BEGIN { printf "%.2f M", c / 1e6 }')
  fratio=$(awk -v c="${instr[$n]}" -v f="$floor" 'BEGIN { printf "%.2f", c / f }')
  msratio=$(awk -v m="${median[$n]}" -v f="$floor_ms" 'BEGIN { printf "%.2f", m / f }')
  verdict=yes
  problems=()
  (( size[$n] <= MAX_BYTES )) || problems+=("size")
  [[ "$n" == hello-world ]] || awk -v r="$fratio" -v max="$MAX_RATIO" 'BEGIN { exit !(r <= max) }' || problems+=("init")
  [[ "${net[$n]}" == none ]] || problems+=("network")
  if (( ${#problems[@]} )); then verdict="no: ${problems[*]}"; over=$((over + 1)); fi
  echo "| $n | $mb | $mi | $fratio | ${median[$n]} | $msratio | ${net[$n]} | $verdict |"
done
echo
echo "Samples (instructions): $(for n in "${names[@]}"; do printf '%s %s; ' "$n" "${counts[$n]}"; done)"
echo "Samples (ms): $(for n in "${names[@]}"; do printf '%s %s; ' "$n" "${samples[$n]}"; done)"
if (( over > 0 )); then
  echo "coldstart: $over bootstrap(s) over budget (size ≤ 12 MB, init instructions ≤ ${MAX_RATIO}× floor, no network I/O in init)" >&2
  exit 1
fi
