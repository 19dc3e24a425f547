#!/usr/bin/env bash
# Headless browser for the docs tests (tests/test_docs_browser.py): Debian's
# chromium package.  Present already: nothing to do.  Missing on Debian or
# Ubuntu as root: apt-get install it (about 100 MB once).  Anywhere else: say
# what to install; the browser tests then skip visibly (and fail in CI).
set -euo pipefail

for candidate in "${SLIMLAB_CHROMIUM:-}" chromium chromium-browser; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
        exit 0
    fi
done

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "browser: no chromium found. Install Chromium (Debian/Ubuntu: apt-get install chromium)" \
         "or set SLIMLAB_CHROMIUM to its path; the browser tests skip without it." >&2
    exit 0
fi

echo "browser: installing Debian's chromium package for the docs browser tests (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
