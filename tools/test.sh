#!/usr/bin/env bash
# Runs every test. Installs what the tests need on a fresh Debian machine first (idempotent):
# dcmtk, dicom3tools and gdcm as independent references, pydicom for its real-world test files, libjpeg-turbo's
# cjpeg for JPEG streams with restart intervals, the JPEG 2000 / JPEG-LS native codecs, python3-cryptography
# (an independent AES-GCM), Node and the npm packages of package-lock.json (Azurite), and a small synthetic
# CT study built with dcmtk; openssl for infra/scripts/rotate-link-key.sh, which the infrastructure tests run; gcc,
# libc6-dev and zlib1g-dev to link the Native AOT telerad-deidentify that NativeDeidentifyTests publishes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

need_apt=()
for pkg in dcmtk dicom3tools libgdcm-tools python3-pydicom python3-numpy python3-pil python3-cryptography libopenjp2-7 libcharls2 libjpeg-turbo-progs bc time openssl gcc libc6-dev zlib1g-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Node packages the tests run (Azurite): `npm ci` from package-lock.json, again only when the lock file changes.
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/azurite ] || [ "$(cat node_modules/.telerad-lock-sum 2>/dev/null)" != "$LOCK_SUM" ]; then
  echo "installing Node test tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.telerad-lock-sum
fi

# Test data that is generated, not committed: a small synthetic CT study in every syntax make-ct-study.sh knows.
export TELERAD_TESTDATA="${TELERAD_TESTDATA:-$ROOT/.work/testdata}"
mkdir -p "$TELERAD_TESTDATA"
CT="$TELERAD_TESTDATA/ct-small"
MAKE_CT="${TELERAD_MAKE_CT:-$ROOT/../shared/tools/make-ct-study.sh}"
if [ ! -f "$CT/.complete" ] && [ -x "$MAKE_CT" -o -f "$MAKE_CT" ]; then
  echo "building the synthetic CT test study (12 slices, 64x64)"
  rm -rf "$CT"
  bash "$MAKE_CT" "$CT" 12 64 >"$TELERAD_TESTDATA/ct-small.log" 2>&1 || { cat "$TELERAD_TESTDATA/ct-small.log"; exit 1; }
  touch "$CT/.complete"
fi

dotnet build TeleradFunctions.sln -c Release --nologo -v quiet
dotnet test TeleradFunctions.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=minimal" "$@"
