#!/usr/bin/env bash
# Make sure the distribution registry (Debian's docker-registry) is installed; install it if not.
#
#   checks/setup/registry.sh        idempotent; prints one line when all is well
#
# `python -m checks verify` runs this only when it is about to measure
# compressed sizes and docker-registry is missing.  The checker starts its own
# registry on 127.0.0.1 with its own configuration and storage
# (checks/registry.py) and removes it afterwards; it never uses the package's
# service.  So when this script installs the package, it stops and disables the
# service the package may have started on port 5000.
#
# SLIMLAB_PULL_MEASURE=0 turns the whole measurement off, for machines where
# nothing can be installed.
set -euo pipefail

say() { printf 'registry: %s\n' "$*"; }
die() { printf '\nslimlab: %s\n\n' "$*" >&2; exit 2; }
skip="or set SLIMLAB_PULL_MEASURE=0 to verify the labs without compressed sizes and pull times"

if command -v docker-registry >/dev/null; then
  say "$(command -v docker-registry) ($(docker-registry --version 2>/dev/null | awk '{print $NF}'))"
  exit 0
fi

. /etc/os-release 2>/dev/null || true
case " ${ID:-} ${ID_LIKE:-} " in
  *" debian "*|*" ubuntu "*) ;;
  *) die "The compressed size is measured by pushing to a local registry, and docker-registry (the distribution registry) is not installed. Install it and put it on PATH (or point SLIMLAB_REGISTRY_BIN at it), $skip." ;;
esac
[ "$(id -u)" = 0 ] || die "The compressed size is measured by pushing to a local registry, and docker-registry is not installed. Install it once as root (sudo apt-get install docker-registry), $skip."

say "installing docker-registry, the distribution registry (once)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q docker-registry >/dev/null 2>&1; then
  apt-get -q update >/dev/null
  apt-get install -y -q docker-registry >/dev/null || die "apt-get install docker-registry failed on ${PRETTY_NAME:-this system} (see above); install it by hand, $skip."
fi

# The checker runs its own registry; the package's service is not wanted.
if [ -d /run/systemd/system ]; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
elif [ -x /etc/init.d/docker-registry ]; then
  /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
fi

command -v docker-registry >/dev/null || die "docker-registry was installed but is not on PATH."
say "installed $(command -v docker-registry)"
