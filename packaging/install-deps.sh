#!/usr/bin/env bash
# Installs the Debian 12 packages Accelerate Console needs to build, test and run.
# Idempotent: only packages that are missing are installed. Needs root (or sudo).
# Usage: packaging/install-deps.sh [--runtime-only] [--check]
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-webengine-dev qt6-webengine-dev-tools qt6-charts-dev
  qt6-websockets-dev qt6-httpserver-dev qt6-webchannel-dev qt6-svg-dev
  libqt6sql6-sqlite qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools linguist-qt6
  libgl-dev libsqlite3-dev
  clang-14 lld-14 libclang-rt-14-dev clang-format-14
)
test_pkgs=(
  xvfb xauth chromium firefox-esr etcd-server etcd-client sqlite3
  desktop-file-utils appstream dpkg-dev file libxml2-utils python3-yaml
)

mode=all
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --runtime-only) mode=runtime ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}")
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
if [ "$mode" = check ]; then
  echo "install-deps: missing: ${missing[*]}"
  exit 1
fi

echo "install-deps: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
