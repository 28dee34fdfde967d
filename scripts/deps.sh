#!/bin/bash
# Install every Debian package the build, the tests and the benchmarks need.
# A no-op when all are present.  Run as root (or via sudo).
set -euo pipefail
PKGS=(
  gcc make pkg-config libc6-dev
  libelf-dev zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libbz2-dev
  libcmocka-dev
  libbpf-dev bpftool dwarves
  clang-19 llvm-19 lld-19 libclang-rt-19-dev clang-14
  time python3 ca-certificates
  qemu-system-x86 busybox-static
)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
