#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when it is missing. `npm test` runs it
# before every run, so it prints nothing and returns at once when everything is there.
# openssl: tests compare certificate fields with `openssl x509` and read CRLs with `openssl crl`.
# chromium: the dashboard's browser tests drive Debian's Chromium at /usr/bin/chromium.
set -euo pipefail

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

cannot=''
if [ "$(id -u)" -ne 0 ]; then
  cannot='not root'
elif ! command -v apt-get >/dev/null 2>&1; then
  cannot='no apt-get'
fi

if [ -n "$cannot" ]; then
  # Without openssl most certificate tests fail; without Chromium only the browser tests are
  # skipped, and they say why.
  if [[ " ${need[*]} " == *' openssl '* ]]; then
    echo "ensure-deps: missing ${need[*]} and cannot install them ($cannot); install them" >&2
    exit 1
  fi
  echo "ensure-deps: chromium is missing and cannot be installed ($cannot);" \
    'the browser tests will be skipped' >&2
  exit 0
fi

echo "ensure-deps: installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
