#!/usr/bin/env bash
# Byte-for-byte comparison of two builds of `telerad deidentify` (e.g. main's and a branch's): same inputs, same key
# file, both built-in profiles; every output file (SHA-256), the JSON report and the exit code must be identical.
# Not a test (CI does not run it): the proof that a change to the de-identification path changed no output.
#
# usage: tools/bench/deid-compare.sh OLD_TELERAD_DLL NEW_TELERAD_DLL [CT_STUDY_DIR]
#   OLD/NEW      telerad.dll of each build (dotnet publish functions/Telerad.Cli -c Release -o DIR), or the native
#                telerad-deidentify (dotnet publish functions/Telerad.Deidentify.Cli -c Release -o DIR)
#   CT_STUDY_DIR make-ct-study.sh output (one folder per transfer syntax); default .work/bench/ct
# Cases: every transfer syntax folder of the CT study, each pydicom test file on its own (as a folder, files that
# share a SOP Instance UID would also compare how the builds settle such conflicts), and the sample studies.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0"; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OLD=$(realpath "$1"); NEW=$(realpath "$2"); CT=${3:-$ROOT/.work/bench/ct}
PYDICOM=/usr/lib/python3/dist-packages/pydicom/data/test_files
WORK=$ROOT/.work/bench/deid-compare
rm -rf "$WORK"; mkdir -p "$WORK"
KEYS=$WORK/keys.json
dotnet "$([[ "$NEW" == *.dll ]] && echo "$NEW" || echo "$OLD")" samples generate "$WORK/samples" >/dev/null

# run BUILD INPUT PROFILE OUT: output hashes, report hash and exit code, one line each, into OUT
run() {
  local dir; dir=$(mktemp -d "$WORK/run.XXXXXX")
  local code=0
  local cmd=("$1"); [[ "$1" == *.dll ]] && cmd=(dotnet "$1" deidentify)   # a telerad.dll, or telerad-deidentify (native)
  "${cmd[@]}" --input "$2" --output "$dir/out" --key-file "$KEYS" --profile "$3" --report "$dir/report.json" >/dev/null 2>&1 || code=$?
  { (cd "$dir/out" 2>/dev/null && find . -type f | sort | xargs -r sha256sum); echo "report $(sha256sum < "$dir/report.json")"; echo "exit $code"; } > "$4"
  rm -rf "$dir"
}

cases=()
for d in "$CT"/*/; do cases+=("${d%/}"); done
for f in "$PYDICOM"/*; do [ -f "$f" ] && cases+=("$f"); done
cases+=("$WORK/samples")
same=0; differ=0; files=0
for input in "${cases[@]}"; do
  for profile in reading basic; do
    run "$OLD" "$input" "$profile" "$WORK/old.txt"
    run "$NEW" "$input" "$profile" "$WORK/new.txt"
    files=$((files + $(grep -c '  \./' "$WORK/new.txt" || true)))
    if cmp -s "$WORK/old.txt" "$WORK/new.txt"; then same=$((same + 1)); else differ=$((differ + 1)); echo "DIFFERENT: $input ($profile)"; diff "$WORK/old.txt" "$WORK/new.txt" | head -5; fi
  done
done
echo "$same cases identical, $differ different ($files output files compared)"
[ "$differ" -eq 0 ]
