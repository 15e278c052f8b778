#!/bin/sh
# Make Debian's Chromium and its WebDriver (chromium-driver) available for the browser tests,
# where we can (root with apt-get); never fail: without them those tests skip with one line.
# The browser always comes from the system's packages, never from a download of its own.
have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }
have && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "minigrad: installing Chromium for the browser tests (apt-get install chromium chromium-driver)"
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            -o DPkg::Lock::Timeout=300 --no-install-recommends chromium chromium-driver) \
        >/dev/null 2>&1 && have; then
        exit 0
    fi
fi
echo "minigrad: Chromium or chromedriver not found and not installable here (needs root and" \
     "apt-get); the browser tests will skip (apt-get install chromium chromium-driver to run them)"
exit 0
