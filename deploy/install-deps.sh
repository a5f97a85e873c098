#!/usr/bin/env bash
# Installs every Debian package newsworker's build, tests and benchmarks need.
# Idempotent: safe to run again. Must run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
    build-essential cmake pkg-config clang-format
    libcurl4-openssl-dev libssl-dev zlib1g-dev libbrotli-dev
    librdkafka-dev libjansson-dev libxml2-dev libutf8proc-dev
    # yajl: JSON Feeds parsed as a stream of events (shared/feeds_json.c)
    libyajl-dev
    libcld2-dev libstemmer-dev libmodest-dev libmicrohttpd-dev libcmocka-dev liblinear-dev
    iso-codes kcat python3 python3-jsonschema python3-kafka
    # operations checks: promtool and the Prometheus server (test_metrics), curl for the
    # endpoints, systemd-analyze, docker-compose config and YAML for deploy/ (test_deploy)
    prometheus curl systemd docker-compose python3-yaml
    clang libclang-rt-14-dev
    # containers: build and run deploy/Dockerfile without a Docker engine (test_image)
    podman buildah runc mmdebstrap uidmap
    # data lake and web archives: zstd and Avro writers, Apache Avro's reader, wget's WARC
    libzstd-dev zstd libavro-dev python3-avro python3-snappy wget
    # S3 uploads: botocore (AWS's own SigV4 signer and client) verifies the signatures that
    # s3rver does not, and lists and reads back the uploaded objects (test_s3)
    python3-botocore
)

# Independent implementations the tests read our files with, from the npm registry,
# pinned, into one prefix the tests find (NW_NPM_DIR): DuckDB (lake files), s3rver (an
# S3-compatible server), warcio (WARC reader/writer).
NPM_DIR="${NW_NPM_DIR:-/opt/newsworker-npm}"
NPM_PACKAGES=(@duckdb/node-api@1.5.6-r.1 s3rver@3.7.1 warcio@2.4.11)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
else
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
fi

# Node.js and npm come with this kind of machine (Debian's npm conflicts with its nodejs);
# elsewhere install Debian's nodejs and npm first.
command -v npm >/dev/null || { echo "install-deps: npm not found (apt-get install nodejs npm)"; exit 1; }
npm_missing=0
for p in "${NPM_PACKAGES[@]}"; do
    name="${p%@*}"
    [ -f "$NPM_DIR/node_modules/$name/package.json" ] || npm_missing=1
done
if [ "$npm_missing" -eq 1 ]; then
    echo "install-deps: npm install ${NPM_PACKAGES[*]} into $NPM_DIR"
    $SUDO mkdir -p "$NPM_DIR"
    $SUDO npm install --no-audit --no-fund --prefix "$NPM_DIR" "${NPM_PACKAGES[@]}"
else
    echo "install-deps: npm packages present in $NPM_DIR"
fi
