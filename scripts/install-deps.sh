#!/usr/bin/env bash
# Installs what minefree needs on Debian 12 (system GDAL and its tools), or says what to
# install when not run as root. Idempotent: does nothing when everything is present.
set -euo pipefail
packages=(libgdal-dev gdal-bin pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v cargo >/dev/null 2>&1; then
  echo "minefree: cargo not found; install Rust (https://rustup.rs) first" >&2
  exit 1
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "minefree: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "minefree: missing system packages: ${missing[*]}" >&2
  echo "  install them with:  sudo apt-get install ${missing[*]}" >&2
  echo "  (then run make again)" >&2
  exit 1
fi
