#!/bin/sh
# Debian's Prometheus (promtool and the server) for the alert-rule tests and the live
# scrape test, installed when missing, like install-chromium.sh does for the browser tests.
set -eu
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    exit 0
fi
echo "installing Debian's prometheus for the alert-rule tests" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "prometheus is missing and this user cannot install packages: apt-get install prometheus" >&2
    exit 1
fi
# Another apt run on the machine holds the lock for a while: wait for it rather than fail.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends prometheus
