#!/usr/bin/env bash
# De-identification benchmark, side by side with gdcmanon, dcmodify, a pydicom script and cp, using the
# shared perf-anchors.sh (round-robin, whole processes). Throughput is compared by the SLOPE between a
# 30-file and a 300-file folder, so that process start-up does not decide the result.
#
# usage: tests/Telerad.Benchmarks/deid.sh [STUDY_DIR] [SYNTAX]   (SYNTAX: ele (default) or jpll)
#   env: RUNS=5
#        TELERAD_CLI=/path/telerad.dll  time that build (e.g. an earlier commit's publish) instead of publishing this
#        checkout's CLI (ReadyToRun, as shipped); TELERAD_CLI=native publishes and times telerad-deidentify (Native AOT)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STUDY=${1:-$ROOT/.work/bench/ct}
SYNTAX=${2:-ele}
RUNS=${RUNS:-5}
ANCHORS=${TELERAD_PERF_ANCHORS:-$ROOT/../shared/tools/perf-anchors.sh}
SCRATCH=$ROOT/.work/bench/deid
mkdir -p "$SCRATCH"
[ -d "$STUDY/$SYNTAX" ] || bash "${TELERAD_MAKE_CT:-$ROOT/../shared/tools/make-ct-study.sh}" "$STUDY" 300 512

CLI=${TELERAD_CLI:-$SCRATCH/cli/telerad.dll}
if [ -z "${TELERAD_CLI:-}" ]; then
  dotnet publish "$ROOT/functions/Telerad.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$SCRATCH/cli" -v quiet --nologo >/dev/null
elif [ "$TELERAD_CLI" = native ]; then
  dotnet publish "$ROOT/functions/Telerad.Deidentify.Cli" -c Release -r linux-x64 -o "$SCRATCH/native" -v quiet --nologo >/dev/null
  CLI=$SCRATCH/native/telerad-deidentify
fi
SMALL=$SCRATCH/small-$SYNTAX
rm -rf "$SMALL" && mkdir -p "$SMALL"
cp $(ls "$STUDY/$SYNTAX"/*.dcm | sort | head -30) "$SMALL/"

TOOLS="cp gdcmanon-basic dcmodify pydicom-deid"
CMD="dotnet $CLI deidentify --input {IN} --output {OUT} --key-file $SCRATCH/keys.json"
[[ "$CLI" == *.dll ]] || CMD="$CLI --input {IN} --output {OUT} --key-file $SCRATCH/keys.json"   # the native build
for size in small full; do
  dir=$([ $size = small ] && echo "$SMALL" || echo "$STUDY/$SYNTAX")
  RUNS=$RUNS WARMUP=1 TOOLS="$TOOLS" EXTRA_NAME=telerad EXTRA_CMD="$CMD" bash "$ANCHORS" "$dir" "$SCRATCH/anchors-$size" > "$SCRATCH/$size.txt"
done

MB_PER_FILE=$(du -b --apparent-size -s "$STUDY/$SYNTAX" | awk '{print $1 / 300 / 1e6}')
echo "## De-identification, $SYNTAX copy: 30 vs 300 files, median of $RUNS (whole processes)"
awk -v n=270 -v mb="$MB_PER_FILE" '
  FNR == 1 { file++ }
  /^(cp|gdcmanon-basic|dcmodify|pydicom-deid|telerad) / { t[$1, file] = $3; rss[$1] = ($7 > rss[$1] ? $7 : rss[$1]); order[$1] = 1 }
  END {
    printf "%-16s %9s %9s %14s %10s %10s\n", "tool", "t(30) s", "t(300) s", "ms/file slope", "MB/s slope", "peakRSS MB"
    split("cp gdcmanon-basic dcmodify pydicom-deid telerad", tools, " ")
    for (i = 1; i <= 5; i++) { k = tools[i]; s[k] = (t[k, 2] - t[k, 1]) / n * 1000
      printf "%-16s %9.3f %9.3f %14.3f %10.0f %10.1f\n", k, t[k, 1], t[k, 2], s[k], mb / (s[k] / 1000), rss[k] }
    printf "\ntelerad vs gdcmanon: %.2fx (target >= 2); vs cp: %.0f%% (target >= 50%%)\n", s["gdcmanon-basic"] / s["telerad"], 100 * s["cp"] / s["telerad"]
    printf "per run of the 300 files (start-up included): %.2fx gdcmanon, %.0f%% of cp\n", t["gdcmanon-basic", 2] / t["telerad", 2], 100 * t["cp", 2] / t["telerad", 2]
  }' "$SCRATCH/small.txt" "$SCRATCH/full.txt"
echo "(MB/s slope = mean file size / marginal time per file; compare ratios, not absolute numbers)"
