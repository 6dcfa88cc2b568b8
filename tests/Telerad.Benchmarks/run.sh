#!/usr/bin/env bash
# Benchmarks for Telerad.Dicom, side by side with reference tools in ONE run (machines are noisy: compare
# ratios, not absolute numbers). Not a test: run by hand, report the printed table.
#
# usage: tests/Telerad.Benchmarks/run.sh [STUDY_DIR]
#   STUDY_DIR  output of make-ct-study.sh 300 512 (built under .work/bench/ct if missing, ~100 s)
#   env: RUNS=7  (timed repetitions per tool and size, round-robin), SKIP_RSS=1 to skip the 1 GB streaming test
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STUDY=${1:-$ROOT/.work/bench/ct}
RUNS=${RUNS:-7}
PY=/usr/bin/python3
SCRATCH=$ROOT/.work/bench/scratch
mkdir -p "$SCRATCH"

for cmd in dcmdump dcmdjpeg dcmdrle /usr/bin/time; do
  command -v "$cmd" >/dev/null || { echo "needs $cmd (apt-get install dcmtk time)" >&2; exit 2; }
done
if [ ! -d "$STUDY/ele" ]; then
  bash "${TELERAD_MAKE_CT:-$ROOT/../shared/tools/make-ct-study.sh}" "$STUDY" 300 512
fi

# ReadyToRun, as the Functions app and the CLI are published: start-up JIT is not what we measure.
dotnet publish "$ROOT/tests/Telerad.Benchmarks" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$SCRATCH/bin" -v quiet --nologo >/dev/null
BENCH="dotnet $SCRATCH/bin/Telerad.Benchmarks.dll"

mapfile -t ALL < <(ls "$STUDY/ele"/*.dcm | sort)
FEW=("${ALL[@]:0:30}")
cat > "$SCRATCH/pydicom_headers.py" <<'PY'
import sys, pydicom
for f in sys.argv[1:]:
    pydicom.dcmread(f, stop_before_pixels=True)
PY

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# ---- 1. header parse: marginal cost per file = (t(300) - t(30)) / 270, start-up excluded on both sides
declare -A T
tools=(telerad telerad-dump dcmdump pydicom)
run_tool() { # tool files...
  local tool=$1; shift
  case $tool in
    telerad) $BENCH headers "$@" >/dev/null ;;
    telerad-dump) $BENCH headers-dump "$@" >/dev/null ;;
    dcmdump) dcmdump -q -M "$@" >/dev/null ;;
    pydicom) $PY "$SCRATCH/pydicom_headers.py" "$@" ;;
  esac
}
for tool in "${tools[@]}"; do run_tool "$tool" "${FEW[@]}"; done   # warm-up (page cache, JIT disk cache)
for ((r = 0; r < RUNS; r++)); do
  for tool in "${tools[@]}"; do
    for size in few all; do
      if [ $size = few ]; then files=("${FEW[@]}"); else files=("${ALL[@]}"); fi
      s=$(now); run_tool "$tool" "${files[@]}"; e=$(now)
      T[$tool,$size]+="$(( (e - s) / 1000 )) "
    done
  done
done
echo "## Header parse (stop before pixel data), ${#ALL[@]} vs ${#FEW[@]} files, median of $RUNS"
printf '%-14s %12s %12s %16s %10s\n' tool "t(30) ms" "t(300) ms" "marginal us/file" "vs dcmdump"
declare -A SLOPE
for tool in "${tools[@]}"; do
  few=$(echo ${T[$tool,few]} | tr ' ' '\n' | median); all=$(echo ${T[$tool,all]} | tr ' ' '\n' | median)
  SLOPE[$tool]=$(awk -v a="$all" -v f="$few" -v n=$(( ${#ALL[@]} - ${#FEW[@]} )) 'BEGIN{printf "%.2f", (a-f)/n}')
done
for tool in "${tools[@]}"; do
  few=$(echo ${T[$tool,few]} | tr ' ' '\n' | median); all=$(echo ${T[$tool,all]} | tr ' ' '\n' | median)
  printf '%-14s %12.1f %12.1f %16s %9.2fx\n' "$tool" "$(awk -v x=$few 'BEGIN{print x/1000}')" "$(awk -v x=$all 'BEGIN{print x/1000}')" "${SLOPE[$tool]}" \
    "$(awk -v d=${SLOPE[dcmdump]} -v t=${SLOPE[$tool]} 'BEGIN{printf "%.2f", d/t}')"
done
echo "(vs dcmdump = dcmdump's marginal cost / the tool's: >1 means faster than dcmtk; target for telerad >= 2)"

# ---- 2. full read with pixel decode
# 2a. Explicit VR LE copy: our read + decode of every frame vs cat of the same files (both one process).
for ((r = 0; r < 2; r++)); do cat "${ALL[@]}" > /dev/null; $BENCH decode "${ALL[@]}" > /dev/null; done
declare -a CAT_T DEC_T
for ((r = 0; r < RUNS; r++)); do
  s=$(now); cat "${ALL[@]}" > /dev/null; e=$(now); CAT_T+=($(( (e - s) / 1000 )))
  s=$(now); $BENCH decode "${ALL[@]}" > /dev/null; e=$(now); DEC_T+=($(( (e - s) / 1000 )))
done
BYTES=$(cat "${ALL[@]}" | wc -c)
cat_us=$(printf '%s\n' "${CAT_T[@]}" | median); dec_us=$(printf '%s\n' "${DEC_T[@]}" | median)
echo
echo "## Full read with pixel decode, Explicit VR LE copy ($(( BYTES / 1000000 )) MB, ${#ALL[@]} files), median of $RUNS"
printf '%-22s %10s %10s\n' tool "time ms" "MB/s"
printf '%-22s %10.1f %10.0f\n' cat "$(awk -v x=$cat_us 'BEGIN{print x/1000}')" "$(awk -v b=$BYTES -v t=$cat_us 'BEGIN{print b/t}')"
printf '%-22s %10.1f %10.0f   (%.0f%% of cat; target >= 50%%)\n' "telerad decode" "$(awk -v x=$dec_us 'BEGIN{print x/1000}')" "$(awk -v b=$BYTES -v t=$dec_us 'BEGIN{print b/t}')" "$(awk -v c=$cat_us -v t=$dec_us 'BEGIN{print 100*c/t}')"

# 2b. JPEG Lossless and RLE: one 300-frame instance each, so dcmtk's start-up is amortised like ours.
for syntax in jpll rle; do
  multi=$SCRATCH/multiframe-$syntax.dcm
  [ -f "$multi" ] || $BENCH combine "$multi" "$STUDY/$syntax"/*.dcm > /dev/null
  case $syntax in jpll) ref=dcmdjpeg;; rle) ref=dcmdrle;; esac
  declare -a REF_T=() OUR_T=()
  $ref "$multi" "$SCRATCH/ref-out.dcm"; $BENCH decode "$multi" > /dev/null
  for ((r = 0; r < RUNS; r++)); do
    s=$(now); $ref "$multi" "$SCRATCH/ref-out.dcm"; e=$(now); REF_T+=($(( (e - s) / 1000 )))
    s=$(now); $BENCH decode "$multi" > /dev/null; e=$(now); OUR_T+=($(( (e - s) / 1000 )))
  done
  decoded=$(( 300 * 512 * 512 * 2 ))
  ref_us=$(printf '%s\n' "${REF_T[@]}" | median); our_us=$(printf '%s\n' "${OUR_T[@]}" | median)
  echo
  echo "## Decode of a 300-frame $syntax instance ($(( $(stat -c %s "$multi") / 1000000 )) MB -> $(( decoded / 1000000 )) MB), median of $RUNS"
  printf '%-22s %10.1f ms %8.0f MB/s\n' "$ref" "$(awk -v x=$ref_us 'BEGIN{print x/1000}')" "$(awk -v b=$decoded -v t=$ref_us 'BEGIN{print b/t}')"
  printf '%-22s %10.1f ms %8.0f MB/s   (%.2fx %s; target >= 1)\n' "telerad decode" "$(awk -v x=$our_us 'BEGIN{print x/1000}')" "$(awk -v b=$decoded -v t=$our_us 'BEGIN{print b/t}')" "$(awk -v r=$ref_us -v t=$our_us 'BEGIN{print r/t}')" "$ref"
  rm -f "$SCRATCH/ref-out.dcm"
done
echo "(dcmdjpeg/dcmdrle also write their output file; to tmpfs-backed page cache, so the write is a memory copy)"

# ---- 3. peak RSS while streaming a 1 GB multi-frame instance through read -> write
if [ "${SKIP_RSS:-0}" != 1 ]; then
  BIG=$SCRATCH/multiframe-1g.dcm
  [ -f "$BIG" ] || $BENCH make-multiframe "$BIG" 1024 >/dev/null
  /usr/bin/time -f "%M" -o "$SCRATCH/rss.txt" $BENCH stream "$BIG" "$SCRATCH/multiframe-out.dcm" > "$SCRATCH/stream.txt"
  s=$(now); cat "$BIG" > /dev/null; e=$(now)
  echo
  echo "## Streaming read -> change -> write of a $(( $(stat -c %s "$BIG") >> 20 )) MB multi-frame instance"
  echo "telerad: $(cat "$SCRATCH/stream.txt"), peak RSS $(( $(cat "$SCRATCH/rss.txt") / 1024 )) MB (target <= 150 MB)"
  rm -f "$SCRATCH/multiframe-out.dcm"
fi
