#!/bin/sh
# Debian's Chromium for the browser tests (tests/e2e), installed when missing.
# Playwright drives it through the driver inside its PyPI wheel: no `playwright install`,
# no browser download from anywhere but the Debian mirror.
set -eu
CHROMIUM="${SCREENER_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
echo "installing Debian's chromium for the browser tests" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "chromium is missing and this user cannot install packages: apt-get install chromium" >&2
    exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
