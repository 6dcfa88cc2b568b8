#!/usr/bin/env bash
# Reading benchmarks of issue 6 in ONE run (machines are noisy: read the ratios, and the load printed with each line).
# Not a test: run by hand, report the table. Results and explanation: docs/benchmarks.md.
#
# usage: tests/Telerad.Benchmarks/reading.sh [STUDIES] [LOCAL_STUDIES] [RATE]
#   STUDIES        ReadStudyV1 started at once on the in-memory engines (default 1000)
#   LOCAL_STUDIES  studies offered to the persistent local engine (default 300) at RATE per second (default 10)
#   env: BASELINE_STUDIES=200  the test host as shipped does 4 work items/s per dispatcher whatever the count, so its
#        baseline runs fewer studies (1,000 would take ~21 minutes for the same rate)
#        LOW_RATE=2            the local engine again at a rate this machine sustains (its unloaded latency)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STUDIES=${1:-1000}
LOCAL=${2:-300}
RATE=${3:-10}
BASELINE=${BASELINE_STUDIES:-200}
LOW_RATE=${LOW_RATE:-2}
LOG=$ROOT/.work/bench/reading-$(date +%Y%m%dT%H%M%S).log
mkdir -p "$(dirname "$LOG")"

dotnet build "$ROOT/tests/Telerad.Benchmarks" -c Release -v quiet --nologo >/dev/null
BENCH=(dotnet "$ROOT/tests/Telerad.Benchmarks/bin/Release/net10.0/Telerad.Benchmarks.dll")

# run LABEL [ENV=VALUE...] -- ARGS...: one benchmark process; its full output goes to the log, its RESULT line to stdout.
run() {
  local label=$1; shift
  local env=()
  while [ "$1" != "--" ]; do env+=("$1"); shift; done
  shift
  echo "== $label" >>"$LOG"
  env "${env[@]}" "${BENCH[@]}" "$@" 2>&1 | tee -a "$LOG" | sed -n "s/^RESULT /$label /p"
}

{
  run testhost-as-shipped -- reading "$BASELINE" --sidecar-logs
  run testhost-1024-logs DOTNET_PROCESSOR_COUNT=1024 -- reading "$STUDIES" --sidecar-logs
  run testhost-1024 DOTNET_PROCESSOR_COUNT=1024 -- reading "$STUDIES"
  run dtfx-memory -- reading "$STUDIES" --engine dtfx
  run local -- reading-local "$LOCAL" "$RATE" --phases --requests
  run local-act32 -- reading-local "$LOCAL" "$RATE" --activity-concurrency 32 --phases
  run local-low-rate -- reading-local 60 "$LOW_RATE"
} | awk '
  { row[NR] = $0; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2] } name[NR] = $1 }
  END {
    base = v[1, "rate"]
    printf "%-20s %8s %9s %10s %8s %8s %8s %9s %11s\n", "variant", "studies", "rate/s", "x baseline", "p50 ms", "p95 ms", "max ms", "CPU ms/st", "load"
    for (r = 1; r <= NR; r++) {
      ratio = (name[r] ~ /^local/) ? "-" : sprintf("%.0f", v[r, "rate"] / base)
      printf "%-20s %8s %9s %10s %8s %8s %8s %9s %11s\n", name[r], v[r, "studies"], (name[r] ~ /^local/) ? v[r, "rate"] " offered" : v[r, "rate"], ratio, v[r, "p50"], v[r, "p95"], v[r, "max"], v[r, "cpuMsPerStudy"], v[r, "load"]
    }
  }'
echo "full output: $LOG"
