#!/usr/bin/env bash
# Make sure strace is installed; install it if not (Debian/Ubuntu, as root).
#
#   checks/setup/strace.sh        idempotent; prints one line when all is well
#
# `python -m checks verify` runs this only when it is about to trace a smoke
# test for the runtime floor (checks/engine/floor.py) and strace is missing.
# SLIMLAB_FLOOR=0 turns the floor off, for machines where nothing can be installed.
set -euo pipefail

say() { printf 'strace: %s\n' "$*"; }
die() { printf '\nslimlab: %s\n\n' "$*" >&2; exit 2; }
why="The runtime floor is measured by tracing each smoke test with strace, which is not installed."
skip="or set SLIMLAB_FLOOR=0 to verify the labs without runtime floors"

if command -v strace >/dev/null; then
  say "$(command -v strace)"
  exit 0
fi
. /etc/os-release 2>/dev/null || true
case " ${ID:-} ${ID_LIKE:-} " in
  *" debian "*|*" ubuntu "*) [ "$(id -u)" = 0 ] || die "$why Install it once as root (sudo apt-get install strace), $skip." ;;
  *) die "$why Install it and put it on PATH, $skip." ;;
esac
say "installing strace (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q strace >/dev/null 2>&1 || { apt-get -q update >/dev/null && apt-get install -y -q strace >/dev/null; } \
  || die "apt-get install strace failed on ${PRETTY_NAME:-this system}; install it by hand, $skip."
say "installed $(command -v strace)"
