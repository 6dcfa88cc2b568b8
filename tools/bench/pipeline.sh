#!/usr/bin/env bash
# Benchmark (not a test; not run by CI): the whole local pipeline (Telerad.Local: upload -> ingest -> StudyAssembly ->
# de-identification into deid/ -> summary) against bare `telerad deidentify` on the same files, in the same run,
# round-robin, several runs. Prints each run and the median ratios. Issue 4's target: pipeline <= 1.5x bare.
#
# usage: tools/bench/pipeline.sh [STUDY_DIR] [RUNS]
#   STUDY_DIR  a folder of DICOM files of one study (default: the 300-slice 512x512 CT of make-ct-study.sh, built
#              once into .work/bench/ct with only the Explicit VR Little Endian syntax, ~2 min)
#   RUNS       default 3
# Times (wall clock, milliseconds):
#   bare      `telerad deidentify --input STUDY --output DIR` (a fresh process: start-up included)
#   written   the same end as landed, at the time stamp Telerad.Local logged the last instance written to deid/ with:
#             the pipeline's own time, without the observer's lag
#   landed    pipeline, from the manifest landing (the uploader's end; it writes the manifest last) to every instance
#             of the study in deid/, as the benchmark saw it in Telerad.Local's log (checked every 50 ms; confirmed by
#             the status API after): the issue's measure; ingestion overlapping the upload is not counted
#   whole     pipeline, from the upload's start to every instance in deid/ (includes copying the study into Azurite)
#   complete  pipeline, upload start to StudyAssembly Completed (after triage) with its summary
#   upload    the upload alone (`telerad upload` into Azurite): a floor for anything that moves the study through Azurite
# UPLOAD_ARGS: extra arguments for `telerad upload`, e.g. "--parallelism 1". On one 2-core machine the uploader,
#   Azurite and the pipeline share the cores: the CLI's default 4 parallel uploads take CPU the pipeline needs, so it
#   falls behind during the upload and "landed" measures that backlog. One upload at a time (~20 files/s here,
#   ~10 MB/s of these slices, about what a 100 Mbit/s hospital link carries) lets the pipeline keep pace: "landed" is
#   then mostly its latency.
# BENCH_BIN=DIR runs the telerad and Telerad.Local binaries in DIR (a copy of functions/Telerad.Cli/bin/Release/net10.0
#   of another commit, to compare two builds run by run) instead of building this tree.
# KEEP_DATA=1 keeps each run's Telerad.Local data folder (.work/bench/pipeline/local-N: Azurite's files and log).
# Peak RSS: Telerad.Local's own process (VmHWM) and Azurite's (its node processes, summed), against the bare run's
# (/usr/bin/time).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
STUDY=${1:-}
RUNS=${2:-3}
WARMUP=${WARMUP:-0}
WORK="$ROOT/.work/bench/pipeline"
BIN="${BENCH_BIN:-$ROOT/functions/Telerad.Cli/bin/Release/net10.0}"
TENANT=bench
HEADER="X-Telerad-Dev-User: bench"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
[ -x node_modules/.bin/azurite ] || { echo "Azurite is missing: run 'npm ci' (or bash tools/test.sh) at the repository root"; exit 2; }

if [ -z "$STUDY" ]; then
  CT="$ROOT/.work/bench/ct"
  if [ ! -f "$CT/.complete" ]; then
    echo "building the 300-slice CT study (make-ct-study.sh, Explicit VR Little Endian only) ..."
    rm -rf "$CT"
    SYNTAXES=ele bash "${TELERAD_MAKE_CT:-$ROOT/../shared/tools/make-ct-study.sh}" "$CT" 300 512 >"$ROOT/.work/bench/make-ct.log" 2>&1
    touch "$CT/.complete"
  fi
  STUDY="$CT/ele"
fi
[ -d "$STUDY" ] || { echo "no such folder: $STUDY"; exit 2; }
FILES=$(find "$STUDY" -type f | wc -l)
BYTES=$(du -sb "$STUDY" | cut -f1)

[ -n "${BENCH_BIN:-}" ] || dotnet build functions/Telerad.Cli -c Release --nologo -v quiet >/dev/null
rm -rf "$WORK"; mkdir -p "$WORK"
if [ "$WARMUP" = 1 ]; then dotnet "$BIN/telerad.dll" samples generate "$WORK/samples" >/dev/null; fi
KEYS="$WORK/keys.json"   # one key file for both, so both do the same keyed work
ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

bare_run() {
  local out="$WORK/bare-$1"
  local t0 t1; t0=$(ms)
  /usr/bin/time -f %M -o "$WORK/bare-$1.rss" dotnet "$BIN/telerad.dll" deidentify --input "$STUDY" --output "$out" \
    --key-file "$KEYS" --tenant "$TENANT" --report "$WORK/bare-$1.json" >/dev/null 2>"$WORK/bare-$1.err"
  t1=$(ms)
  local n; n=$(find "$out" -name '*.dcm' | wc -l)
  [ "$n" -eq "$FILES" ] || { echo "bare run $1 wrote $n of $FILES files"; exit 1; }
  echo $((t1 - t0)) "$(cat "$WORK/bare-$1.rss")"
  rm -rf "$out"
}

pipeline_run() {
  local data="$WORK/local-$1" bp qp tp api
  bp=$(free_port); qp=$(free_port); tp=$(free_port); api=$(free_port)
  env ${LOCAL_ENV:-} dotnet "$BIN/Telerad.Local.dll" --data "$data" --blob-port "$bp" --queue-port "$qp" --table-port "$tp" \
    --urls "http://127.0.0.1:$api" --task-hub "bench$1" --tenant "$TENANT" --quiet-period 2 --poll-interval "${POLL_MS:-200}" --queue-poll-interval "${QUEUE_POLL_MS:-500}" --extended-sessions "${EXTENDED_SESSIONS:-true}" \
    --key-file "$KEYS" >"$WORK/local-$1.out" 2>"$WORK/local-$1.err" &
  local pid=$!
  for _ in $(seq 1 300); do grep -q '^Telerad.Local ready' "$WORK/local-$1.out" 2>/dev/null && break; sleep 0.2; done
  grep -q '^Telerad.Local ready' "$WORK/local-$1.out" || { cat "$WORK/local-$1.err"; exit 1; }
  local cs; cs=$(grep -o 'connection-string "[^"]*"' "$WORK/local-$1.out" | cut -d'"' -f2)
  local base="http://127.0.0.1:$api"
  local t0 t1 t2 t3 key="" n=0 warm=""
  if [ "$WARMUP" = 1 ]; then
    # A long-running host's steady state: the sample studies go through first, so JIT and connection warm-up are paid.
    dotnet "$BIN/telerad.dll" upload "$WORK/samples" --tenant "$TENANT" --connection-string "$cs" >"$WORK/warmup-$1.txt" 2>&1
    until [ "$(curl -sf -H "$HEADER" "$base/studies/$TENANT" | json 'sum(1 for s in d if s["summaryWrittenAt"] and s["status"] == "Completed")' || echo 0)" -ge 4 ]; do sleep 0.2; done
    warm=$(curl -sf -H "$HEADER" "$base/studies/$TENANT" | json '",".join(s["studyKey"] for s in d)')
  fi
  # Lines of Telerad.Local's log before the timed study: every de-identified write after them is the timed study's.
  local before; before=$(wc -l <"$WORK/local-$1.err")
  t0=$(ms)
  /usr/bin/time -f "%U %S" -o "$WORK/upload-$1.cpu" dotnet "$BIN/telerad.dll" upload "$STUDY" --tenant "$TENANT" --connection-string "$cs" ${UPLOAD_ARGS:-} >"$WORK/upload-$1.txt" 2>&1
  t1=$(ms)
  # The end is seen in Telerad.Local's log (one event 1010 per instance written to deid/), checked every 50 ms: polling
  # the status API instead lists deid/ in Azurite on every check, which took Azurite CPU from the very writes it waited
  # for and added its own lag. The API confirms the count once afterwards.
  until [ "$(tail -n +"$((before + 1))" "$WORK/local-$1.err" | grep -c 'InstanceDeidentifier\[1010\]')" -ge "$FILES" ]; do sleep 0.05; done
  t2=$(ms)
  while [ -z "$key" ]; do
    key=$(curl -sf -H "$HEADER" "$base/studies/$TENANT" | json 'next((s["studyKey"] for s in d if s["studyKey"] not in "'"$warm"'".split(",")), "")' || true)
    [ -n "$key" ] || sleep 0.1
  done
  n=$(curl -sf -H "$HEADER" "$base/studies/$TENANT/$key" | json 'd["deidentifiedInstances"]' || echo 0)
  [ "$n" -ge "$FILES" ] || { echo "the log says $FILES de-identified, the status API $n" >&2; exit 1; }
  until [ "$(curl -sf -H "$HEADER" "$base/studies/$TENANT/$key" | json 'd["orchestration"]["status"] if d["summaryWrittenAt"] else ""')" = "Completed" ]; do sleep 0.1; done
  t3=$(ms)
  local rss node_rss=0 p
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  # Azurite's blob, queue and table processes: the sum of their peaks (an upper bound of their joint peak).
  for p in $(pgrep -f -- "--location $data/azurite" || true); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = node ]; then
      node_rss=$((node_rss + $(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    fi
  done
  # CPU seconds (user + system) over the whole run: Telerad.Local and the Azurite processes, each.
  local tck cpu="" name
  tck=$(getconf CLK_TCK)
  for p in "$pid" $(pgrep -f -- "--location $data/azurite" || true); do
    [ "$p" = "$pid" ] || [ "$(cat "/proc/$p/comm" 2>/dev/null)" = node ] || continue # not the supervising shells
    name=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -o 'azurite-[a-z]*\|Telerad.Local' | head -1 || true)
    [ -n "$name" ] && cpu="$cpu ${name}=$(awk -v t="$tck" '{printf "%.1f", ($14 + $15) / t}' "/proc/$p/stat")s"
  done
  echo "run $1 CPU:$cpu upload-cli=$(awk '{printf "%.1f", $1 + $2}' "$WORK/upload-$1.cpu")s" >>"$WORK/cpu.txt"
  # Wall-clock marks (epoch ms: upload start, upload end, all in deid/, Completed) to line up with Telerad.Local's log.
  echo "run $1 marks: upload-start $t0 upload-end $t1 deidentified $t2 completed $t3" >>"$WORK/marks.txt"
  kill -TERM "$pid"; wait "$pid" || true
  # When the last instance was written to deid/, from the time stamps of Telerad.Local's own log (event 1010, one per
  # instance written; local time, ms): the loop above notices it up to ~50 ms later.
  local written
  written=$(python3 - "$WORK/local-$1.err" "$t0" <<'PY'
import datetime, sys
start = int(sys.argv[2])
day = datetime.datetime.fromtimestamp(start / 1000).date()
last = start
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if "InstanceDeidentifier[1010]" in line:
        at = datetime.datetime.combine(day, datetime.time.fromisoformat(line[:12])).timestamp() * 1000
        last = max(last, int(at)) if at >= start else last
print(last)
PY
)
  echo $((t2 - t1)) $((t2 - t0)) $((t3 - t0)) "$rss" "$node_rss" $((t1 - t0)) $((written - t1))
  [ -n "${KEEP_DATA:-}" ] || rm -rf "$data"
}

printf 'study: %s (%d files, %.1f MB); %d runs, round-robin\n' "$STUDY" "$FILES" "$(echo "$BYTES/1000000" | bc -l)" "$RUNS"
printf '%-4s %8s %9s %9s %10s %9s %9s %8s %9s %8s %10s %11s %10s\n' run bare_ms upload_ms landed_ms written_ms whole_ms compl_ms landed/x written/x whole/x bareRSS_MB localRSS_MB nodeRSS_MB
: >"$WORK/results.txt"; : >"$WORK/cpu.txt"; : >"$WORK/marks.txt"
for i in $(seq 1 "$RUNS"); do
  read -r bare bare_rss < <(bare_run "$i")
  read -r landed whole complete rss node_rss upload written < <(pipeline_run "$i")
  echo "$bare $landed $whole $complete $bare_rss $rss $node_rss $upload $written" >>"$WORK/results.txt"
  printf '%-4s %8d %9d %9d %10d %9d %9d %8.2f %9.2f %8.2f %10.0f %11.0f %10.0f\n' "$i" "$bare" "$upload" "$landed" "$written" "$whole" "$complete" \
    "$(echo "$landed/$bare" | bc -l)" "$(echo "$written/$bare" | bc -l)" "$(echo "$whole/$bare" | bc -l)" "$(echo "$bare_rss/1024" | bc -l)" "$(echo "$rss/1024" | bc -l)" "$(echo "$node_rss/1024" | bc -l)"
done
cat "$WORK/cpu.txt"
python3 - "$WORK/results.txt" "$FILES" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
files = int(sys.argv[2])
med = lambda i: statistics.median(r[i] for r in rows)
bare, landed, whole, complete = med(0), med(1), med(2), med(3)
print(f"median: bare {bare/1000:.2f} s ({files/(bare/1000):.0f} instances/s); pipeline landed->deid {landed/1000:.2f} s "
      f"({files/(landed/1000):.0f} instances/s), upload start->deid {whole/1000:.2f} s, ->Completed {complete/1000:.2f} s")
print(f"written (the last de-identified write, from Telerad.Local's log) {med(8)/1000:.2f} s after the upload ended: "
      f"{statistics.median(r[8]/r[0] for r in rows):.2f}x bare")
print(f"ratios (median of runs): landed/bare {statistics.median(r[1]/r[0] for r in rows):.2f}x, "
      f"whole/bare {statistics.median(r[2]/r[0] for r in rows):.2f}x  (target <= 1.5x); "
      f"the upload into Azurite alone: {statistics.median(r[7]/r[0] for r in rows):.2f}x")
PY
