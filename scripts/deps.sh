#!/usr/bin/env bash
# Installs the Debian packages that weir's build, tests and benchmarks need (idempotent).
set -eu
PKGS="meson ninja-build pkg-config gcc libc6-dev libpcap-dev libcmocka-dev python3 python3-scapy tcpdump iproute2 time"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    exit 0
fi
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends $missing
