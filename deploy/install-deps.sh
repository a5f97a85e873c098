#!/usr/bin/env bash
# Installs every Debian package newsworker's build, tests and benchmarks need.
# Idempotent: safe to run again. Must run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config clang-format
    libcurl4-openssl-dev libssl-dev zlib1g-dev
    librdkafka-dev libjansson-dev libxml2-dev libutf8proc-dev
    libcld2-dev libstemmer-dev libmodest-dev libmicrohttpd-dev libcmocka-dev liblinear-dev
    iso-codes kcat python3 python3-jsonschema python3-kafka
    # operations checks: promtool and the Prometheus server (test_metrics), curl for the
    # endpoints, systemd-analyze, docker-compose config and YAML for deploy/ (test_deploy)
    prometheus curl systemd docker-compose python3-yaml
    clang libclang-rt-14-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
