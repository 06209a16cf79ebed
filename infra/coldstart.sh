#!/usr/bin/env bash
# infra/coldstart.sh — measure the Lambda bootstrap budget (binary size, init time) and print it
# as a markdown table (`make coldstart`):
#   * size: each function of template.yaml built exactly as `make build-<LogicalId>` builds it
#     (GOOS=linux GOARCH=arm64 CGO_ENABLED=0 -tags lambda.norpc -trimpath -ldflags "-s -w");
#     budget ≤ 12 MB (12,000,000 bytes);
#   * init: the same build for this machine's architecture, cold-started RUNS times (default 5)
#     under aws-lambda-rie; the median of RIE's "INIT REPORT (durationMs)" (the REPORT line's
#     Init Duration is wrong); budget ≤ 1.1 × the SDK's floor: a hello-world bootstrap that
#     builds the DynamoDB client the way the functions do (internal/dynamo/testdata/floor),
#     measured in the same rounds, as is a bare hello-world (internal/rie/testdata/hello);
#   * init network I/O: what each bootstrap connects to before asking for its first event,
#     against DynamoDB Local and against AWS (rie.InitNetwork); budget: none.
# Runs are interleaved across bootstraps after one untimed start each, so machine load hits
# all of them alike; numbers still move with load, so compare ratios, not milliseconds.
# Exit status 1 when a budget is missed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${RUNS:-5}"
GO="${GO:-go}"
HOST_ARCH="$($GO env GOARCH)"
MAX_BYTES=12000000
MAX_RATIO=1.1 # × floor

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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

echo "coldstart: $RUNS cold starts each under aws-lambda-rie" >&2
hostbins=()
for n in "${names[@]}"; do hostbins+=("${host[$n]}"); done
declare -A median samples net
while IFS=$'\t' read -r path med smp io; do
  for n in "${names[@]}"; do
    if [[ "${host[$n]}" == "$path" ]]; then median[$n]=$med; samples[$n]=$smp; net[$n]=$io; fi
  done
done < <("$tmp/rierun" coldstart -runs "$RUNS" "${hostbins[@]}")

base=${median[hello-world]}
floor=${median[floor]}
over=0
echo
echo "Cold start, $(date -u +%Y-%m-%d), $($GO env GOVERSION), init on linux/$HOST_ARCH ($(nproc) cores), median of $RUNS:"
echo
echo "| function | arm64 stripped | init (ms) | × hello-world | × floor | init network I/O | within budget |"
echo "|---|---:|---:|---:|---:|---|---|"
for n in "${names[@]}"; do
  mb=$(awk -v b="${size[$n]}" 'BEGIN { printf "%.1f MB", b / 1e6 }')
  ratio=$(awk -v m="${median[$n]}" -v h="$base" 'BEGIN { printf "%.2f", m / h }')
  fratio=$(awk -v m="${median[$n]}" -v h="$floor" 'BEGIN { printf "%.2f", m / h }')
  verdict=yes
  problems=()
  (( size[$n] <= MAX_BYTES )) || problems+=("size")
  [[ "$n" == hello-world ]] || awk -v r="$fratio" -v max="$MAX_RATIO" 'BEGIN { exit !(r <= max) }' || problems+=("init")
  [[ "${net[$n]}" == none ]] || problems+=("network")
  if (( ${#problems[@]} )); then verdict="no: ${problems[*]}"; over=$((over + 1)); fi
  echo "| $n | $mb | ${median[$n]} | $ratio | $fratio | ${net[$n]} | $verdict |"
done
echo
echo "Samples (ms): $(for n in "${names[@]}"; do printf '%s %s; ' "$n" "${samples[$n]}"; done)"
if (( over > 0 )); then
  echo "coldstart: $over bootstrap(s) over budget (size ≤ 12 MB, init ≤ ${MAX_RATIO}× floor, no network I/O in init)" >&2
  exit 1
fi
