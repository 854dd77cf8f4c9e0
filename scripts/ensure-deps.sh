#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when it is missing.
# openssl: tests compare certificate fields with `openssl x509` and read CRLs with `openssl crl`.
set -euo pipefail

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-deps: missing ${need[*]}; install them or run as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
