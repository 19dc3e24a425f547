#!/usr/bin/env bash
# Headless browser for the docs tests (tests/test_docs_browser.py): Debian's
# chromium package, and fonts-noto-cjk so the Chinese edition's pages render
# their text (without a CJK font Chromium draws empty boxes).  Present already:
# nothing to do.  Missing on Debian or Ubuntu as root: apt-get install what is
# missing (about 100 MB for chromium and 60 MB for the fonts, once).  Anywhere
# else: say what to install; the browser tests then skip visibly (and fail in CI).
set -euo pipefail

packages=()
found=
for candidate in "${SLIMLAB_CHROMIUM:-}" chromium chromium-browser; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
        found=1
        break
    fi
done
[ -n "$found" ] || packages+=(chromium fonts-dejavu-core)
# fc-list ships with fontconfig, which chromium depends on; without it, ask dpkg.
if ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh-cn family 2>/dev/null)" ]; } \
    && ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then
    packages+=(fonts-noto-cjk)
fi
[ "${#packages[@]}" -gt 0 ] || exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "browser: missing ${packages[*]}. Install them (Debian/Ubuntu: apt-get install ${packages[*]});" \
         "without chromium (or SLIMLAB_CHROMIUM set to its path) the browser tests skip, and without a CJK font" \
         "the Chinese pages' text cannot be checked." >&2
    exit 0
fi

echo "browser: installing Debian's ${packages[*]} for the docs browser tests (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
