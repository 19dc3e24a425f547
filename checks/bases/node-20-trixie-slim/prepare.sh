#!/usr/bin/env bash
# Fetch the npm release that Node.js 20.19.2's own tarball bundles, for the
# node:20 stand-ins (node-20-trixie links here).
#
#   prepare.sh <context-dir>      writes <context-dir>/npm.tgz
#
# Debian's npm package is an older npm (9.2.0) split into hundreds of Debian
# packages; the official image unpacks npm from the Node.js release into
# /usr/local/lib/node_modules/npm. npm publishes that same release, with its
# dependencies bundled, on the npm registry: the tarball is checked against
# the integrity the registry records for it, pinned here.
set -euo pipefail

NPM_VERSION=10.8.2
NPM_INTEGRITY='sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w=='
URL="https://registry.npmjs.org/npm/-/npm-$NPM_VERSION.tgz"

[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: prepare.sh <context-dir>" >&2; exit 2; }

python3 - "$URL" "$NPM_INTEGRITY" "$1/npm.tgz" <<'PY'
import base64, hashlib, sys, urllib.request

url, integrity, out = sys.argv[1:]
try:
    data = urllib.request.urlopen(url, timeout=60).read()
except OSError as error:
    sys.exit(f"prepare.sh: cannot download {url} ({error}); the node:20 stand-ins need the npm registry")
found = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
if found != integrity:
    sys.exit(f"prepare.sh: {url} has integrity {found}, not the {integrity} pinned in prepare.sh")
with open(out, "wb") as file:
    file.write(data)
print(f"prepare.sh: npm {url.rsplit('-', 1)[1][:-4]} ({len(data):,} bytes) checked and written to {out}", file=sys.stderr)
PY
