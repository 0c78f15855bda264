#!/usr/bin/env bash
# Installs the Debian packages CIS needs to build, run and test.
# Idempotent and quiet when everything is already there; uses sudo when not root.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  libical-dev libgmime-3.0-dev libicu-dev libboost-dev libboost-system-dev libssl-dev
  libsqlite3-dev libopendkim-dev libidn2-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libcli11-dev libcsv-dev libdeflate-dev
  # tests: unit, sanitizers, fuzzing, real peers
  libgtest-dev libgmock-dev libbenchmark-dev clang-14 libfuzzer-14-dev libclang-rt-14-dev
  python3 python3-pytest python3-icalendar python3-dkim python3-aiosmtpd swaks openssl sqlite3
  python3-jsonschema  # tests/e2e/test_openapi.py: draft 2020-12, as OpenAPI 3.1 uses
  zlib1g-dev  # tests/support/gunzip.hpp: what libdeflate compressed, inflated by zlib
  postfix  # smtp-sink (the relay client's test peer) and a private relay instance (e2e)
  # tests/e2e/test_pages_browser.py: public pages in a real browser (driven by npm's
  # playwright-core), with a font so screenshots show text
  chromium fonts-dejavu-core
)
# Node runs ical.js and playwright-core. Debian's nodejs only when no node is there: a
# machine with Node from elsewhere (e.g. nodesource, which bundles npm) keeps it.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(hyperfine wrk)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# ical.js (Thunderbird's iCalendar parser) and playwright-core for tests/e2e, pinned by
# tests/e2e/package-lock.json; node_modules is never committed. Run after the apt packages,
# which may be what brings npm.
here=$(cd "$(dirname "$0")/.." && pwd)
npm_packages() {
  local e2e="$here/tests/e2e"
  [[ -d "$e2e/node_modules/ical.js" && -d "$e2e/node_modules/playwright-core" ]] && return
  command -v npm >/dev/null || return 0
  npm ci --prefix "$e2e" --no-audit --no-fund --loglevel=error >/dev/null
}

if ((${#missing[@]} == 0)); then
  npm_packages
  exit 0
fi

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]} " == *" postfix "* ]]; then
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
fi
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
npm_packages
