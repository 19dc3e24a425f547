#!/usr/bin/env bash
# Build the root filesystem of the debian:trixie-slim stand-in.
#
#   prepare.sh <context-dir>      writes <context-dir>/rootfs.tar
#
# Environment:
#   SLIMLAB_DEBIAN_MIRROR  Debian archive to install from, e.g. http://host/debian
#                          (required; the checker reads it from the host's apt sources)
#   SOURCE_DATE_EPOCH      optional; defaults to the Date: of the mirror's trixie
#                          InRelease, so the same mirror content gives the same tarball
#
# The recipe follows what debuerreotype does for the official image:
#   1. a "minbase" debootstrap of trixie (Priority: required packages + apt),
#   2. the "slim" dpkg filter: no man pages, docs (except copyright files),
#      info pages or translations, kept in /etc/dpkg/dpkg.cfg.d/docker so that
#      later "apt-get install" calls stay slim too,
#   3. the Docker-friendly apt/dpkg settings (docker-clean and friends),
#   4. deb822 sources in /etc/apt/sources.list.d/debian.sources.
# And one step of this machine's: the CAs the host trusts beyond Debian's own
# set (a TLS-inspecting proxy's), which the checker writes to
# <context-dir>/host-ca/ (none on most machines), go where Debian keeps local
# CAs, so that every "apt-get install ca-certificates" above bundles them.
set -euo pipefail

SUITE=trixie
self="$(readlink -f "${BASH_SOURCE[0]}")"

# Files that the "slim" variant drops (debuerreotype's list) ...
SLIM_EXCLUDES=(
	'/usr/share/doc/*'
	'/usr/share/groff/*'
	'/usr/share/info/*'
	'/usr/share/linda/*'
	'/usr/share/lintian/overrides/*'
	'/usr/share/locale/*'
	'/usr/share/man/*'
)
# ... and the one pattern it always keeps, for license compliance.
SLIM_KEEP='/usr/share/doc/*/copyright'

die() { echo "prepare.sh: error: $*" >&2; exit 1; }

# fetch URL: print a URL's body on stdout, with whatever HTTP client exists.
fetch() {
	if command -v curl >/dev/null; then curl -fsSL --max-time 20 "$1"
	elif command -v wget >/dev/null; then wget -q -T 20 -O- "$1"
	elif [ -x /usr/lib/apt/apt-helper ]; then
		local tmp; tmp="$(mktemp)"
		/usr/lib/apt/apt-helper -qq download-file "$1" "$tmp" >/dev/null 2>&1 && cat "$tmp"
		local rc=$?; rm -f "$tmp"; return $rc
	else return 1
	fi
}

# ---------------------------------------------------------------------------
# Customize step: mmdebstrap calls this script again as
#   prepare.sh --customize <chroot-dir> <mirror> <security-mirror-or-empty> <context-dir>
# after all packages are installed and before the tarball is written.
# ---------------------------------------------------------------------------
customize() {
	local root="$1" mirror="$2" security="$3" context="$4"

	# -- slim: the dpkg filter, under the name the official image uses --------
	rm -f "$root/etc/dpkg/dpkg.cfg.d/99mmdebstrap"
	{
		echo '# "slim" variant: files that containers rarely need (manuals, docs,'
		echo '# translations) are not unpacked; this keeps later installs slim too.'
		for pattern in "${SLIM_EXCLUDES[@]}"; do echo "path-exclude $pattern"; done
		echo
		echo '# copyright files are always kept, for license compliance'
		echo "path-include $SLIM_KEEP"
	} > "$root/etc/dpkg/dpkg.cfg.d/docker"
	# Remove whatever got past the filter (files from the first extraction pass).
	for pattern in "${SLIM_EXCLUDES[@]}"; do
		local dir="$root${pattern%/\*}"
		[ -d "$dir" ] || continue
		find "$dir" -mindepth 1 -not -path "$root$SLIM_KEEP" -not -type d -delete
		find "$dir" -mindepth 1 -depth -type d -empty -delete
	done

	# -- Docker-friendly package manager settings --------------------------------
	# Services must never start during "docker build". (mmdebstrap is told not
	# to manage this file, or it would delete it again when it finishes.)
	printf '#!/bin/sh\n# Services are not started inside image builds.\nexit 101\n' \
		> "$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	# The official build also turns upstart's initctl into a no-op (a leftover
	# from older releases, kept for fidelity).
	chroot "$root" dpkg-divert --quiet --local --rename --add /sbin/initctl
	sed 's/^exit.*/exit 0/' "$root/usr/sbin/policy-rc.d" > "$root/sbin/initctl"
	chmod 0755 "$root/sbin/initctl"

	# Skip fsync() after unpacking: a failed build is simply run again.
	printf '# Image builds need no crash safety: skip sync() after unpacking.\nforce-unsafe-io\n' \
		> "$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"

	# Act as if "apt-get clean" ran after every install: downloaded .debs and
	# the binary caches would otherwise be stored in every image layer.
	local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
	cat > "$root/etc/apt/apt.conf.d/docker-clean" <<-CONF
	# Drop apt's download and binary caches after each run, so that they
	# never end up in an image layer.
	DPkg::Post-Invoke { $clean };
	APT::Update::Post-Invoke { $clean };
	Dir::Cache::pkgcache "";
	Dir::Cache::srcpkgcache "";
	CONF

	# No translated package descriptions: smaller, faster "apt-get update".
	printf '# Do not download translated package descriptions.\nAcquire::Languages "none";\n' \
		> "$root/etc/apt/apt.conf.d/docker-no-languages"

	# Keep package lists compressed on disk.
	printf '# Keep the package lists gzip-compressed on disk.\nAcquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' \
		> "$root/etc/apt/apt.conf.d/docker-gzip-indexes"

	# "apt-get purge --auto-remove" also removes what was only Suggested.
	printf '# Let autoremove drop packages that are only kept because something suggests them.\nApt::AutoRemove::SuggestsImportant "false";\n' \
		> "$root/etc/apt/apt.conf.d/docker-autoremove-suggests"

	chmod 0644 "$root"/etc/apt/apt.conf.d/docker-* "$root"/etc/dpkg/dpkg.cfg.d/docker*

	# -- apt sources, deb822 style like the official image -----------------------
	rm -f "$root/etc/apt/sources.list"
	{
		printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$mirror" "$SUITE" "$SUITE"
		if [ -n "$security" ]; then
			printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
				"$security" "$SUITE"
		fi
	} > "$root/etc/apt/sources.list.d/debian.sources"

	# -- host-specific files -------------------------------------------------------
	# Docker provides these at run time; do not bake the build host's copies in.
	rm -f "$root/etc/resolv.conf" "$root/etc/hostname"

	# apt's binary caches from the bootstrap (~80 MB); docker-clean above keeps
	# apt from writing them again.
	rm -f "$root"/var/cache/apt/*.bin

	# -- the host's own CAs, where update-ca-certificates finds local ones -------
	if [ -d "$context/host-ca" ]; then
		install -d -m 0755 "$root/usr/local/share/ca-certificates"
		install -m 0644 "$context"/host-ca/*.crt "$root/usr/local/share/ca-certificates/"
	fi
}

if [ "${1:-}" = "--customize" ]; then
	shift
	customize "$@"
	exit 0
fi

# ---------------------------------------------------------------------------
# Main step
# ---------------------------------------------------------------------------
[ $# -eq 1 ] || die "usage: prepare.sh <context-dir>"
context="$1"
[ -d "$context" ] || die "context directory '$context' does not exist"
mirror="${SLIMLAB_DEBIAN_MIRROR:-}"
[ -n "$mirror" ] || die "SLIMLAB_DEBIAN_MIRROR is not set (the Debian mirror URL, e.g. http://host/debian)"
mirror="${mirror%/}"

if ! command -v mmdebstrap >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& grep -qiE '^ID(_LIKE)?=.*(debian|ubuntu)' /etc/os-release 2>/dev/null; then
		echo "prepare.sh: mmdebstrap is missing, installing it with apt-get" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2
	else
		die "mmdebstrap is required to build the debian:trixie-slim stand-in; install it (Debian/Ubuntu: apt-get install mmdebstrap) and run again"
	fi
fi
[ "$(id -u)" = 0 ] || die "mmdebstrap must run as root here (it installs packages into a chroot)"

# A security archive next to the main one (".../debian" -> ".../debian-security")
# is added when it answers, as in the official image's sources.
security=""
if [[ "$mirror" == */debian ]] && fetch "$mirror-security/dists/$SUITE-security/InRelease" >/dev/null 2>&1; then
	security="$mirror-security"
fi

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	release_date="$(fetch "$mirror/dists/$SUITE/InRelease" 2>/dev/null | sed -n 's/^Date: //p' | head -n1 || true)"
	if [ -n "$release_date" ]; then
		SOURCE_DATE_EPOCH="$(date -u -d "$release_date" +%s)"
		export SOURCE_DATE_EPOCH
	fi
fi

dpkgopts=()
for pattern in "${SLIM_EXCLUDES[@]}"; do dpkgopts+=("--dpkgopt=path-exclude=$pattern"); done
dpkgopts+=("--dpkgopt=path-include=$SLIM_KEEP")

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "prepare.sh: bootstrapping $SUITE (minbase) from $mirror${security:+ and $security}" >&2
mmdebstrap \
	--mode=root \
	--variant=minbase \
	--format=tar \
	--skip=chroot/policy-rc.d \
	"${dpkgopts[@]}" \
	--customize-hook="\"$self\" --customize \"\$1\" \"$mirror\" \"$security\" \"$context\"" \
	"$SUITE" "$tmp/rootfs-with-dev.tar" \
	"deb $mirror $SUITE main" \
	"deb $mirror $SUITE-updates main" \
	${security:+"deb $security $SUITE-security main"}

# Device nodes are provided by the container runtime; leave them out like the
# official tarball does.
mmtarfilter --path-exclude='/dev/*' < "$tmp/rootfs-with-dev.tar" > "$context/rootfs.tar"
echo "prepare.sh: wrote $context/rootfs.tar ($(du -h "$context/rootfs.tar" | cut -f1))" >&2
