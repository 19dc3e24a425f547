#!/usr/bin/env bash
# Make sure a Docker engine with buildx answers; install and start one if not.
#
#   checks/setup/engine.sh          idempotent; prints one line when all is well
#
# 1. Any engine that answers (Docker Desktop, a remote DOCKER_HOST, a local
#    daemon) and has buildx is used as it is.
# 2. Otherwise, as root on Debian or Ubuntu, install the distribution's engine
#    and buildx.  Debian 12's docker.io has no buildx, so there the Debian 13
#    packages are downloaded through a private apt configuration (its own lists
#    directory, the host's own mirror, suite trixie) and installed with apt,
#    which resolves everything else from Debian 12.  The system's apt sources
#    are never edited.
# 3. Start dockerd in the background when no init system manages it, and wait
#    for it (SLIMLAB_ENGINE_TIMEOUT seconds, default 60).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
timeout_s=${SLIMLAB_ENGINE_TIMEOUT:-60}
log=${SLIMLAB_DOCKERD_LOG:-/var/log/slimlab-dockerd.log}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/slimlab/apt-engine

say() { printf 'engine: %s\n' "$*"; }
die() { printf '\nslimlab: %s\n\n' "$*" >&2; exit 2; }

answers() { timeout 10 docker info >/dev/null 2>&1; }
has_buildx() { timeout 10 docker buildx version >/dev/null 2>&1; }

ready() {
  answers && has_buildx || return 1
  say "$(docker version -f 'Docker Engine {{.Server.Version}}' 2>/dev/null), $(docker buildx version | cut -d' ' -f1-2)"
}

ready && exit 0

if [ -n "${DOCKER_HOST:-}" ] && ! answers; then
  die "DOCKER_HOST is set to '$DOCKER_HOST' but no engine answers there. Start that engine, or unset DOCKER_HOST to let slimlab use a local one."
fi
if answers && command -v docker >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    die "The Docker engine answers but the docker CLI has no buildx plugin. Install buildx (Debian/Ubuntu: the docker-buildx package; elsewhere: https://docs.docker.com/go/buildx/) and run make again."
  fi
fi

. /etc/os-release 2>/dev/null || true
case " ${ID:-} ${ID_LIKE:-} " in
  *" debian "*|*" ubuntu "*) ;;
  *) die "No Docker engine with buildx answers, and this is not Debian or Ubuntu, where slimlab can install one itself. Install Docker Engine (or Docker Desktop) with buildx, start it so that 'docker info' works, and run make again." ;;
esac
[ "$(id -u)" = 0 ] || die "No Docker engine with buildx answers. slimlab can install one on ${PRETTY_NAME:-this system} only as root: run 'sudo make ...' once, or install docker.io and docker-buildx yourself and start the daemon."

apt_private() {
  # apt with its own sources, lists and archives: the system's stay untouched.
  apt-get -q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$cache/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$cache/lists" -o Dir::Cache::Archives="$cache/archives" \
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= "$@"
}

install_engine() {
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
    mirror=$(python3 "$here/mirror.py") || die "Cannot find the Debian mirror in /etc/apt/sources.list(.d): slimlab downloads Debian 13's docker.io, docker-cli and docker-buildx from the mirror the host already uses."
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$cache/debs"
    echo "deb [signed-by=$keyring] $mirror trixie main" > "$cache/sources.list"
    say "downloading Debian 13 docker.io, docker-cli and docker-buildx from $mirror"
    apt_private update >/dev/null
    rm -f "$cache/debs"/*.deb
    (cd "$cache/debs" && apt_private download docker.io docker-cli docker-buildx)
    ls "$cache/debs"/docker-buildx_*.deb >/dev/null 2>&1 || die "Downloading the Debian 13 docker packages failed (see above)."
    apt-get -q update >/dev/null
    apt-get install -y -q "$cache/debs"/*.deb >/dev/null
  else
    apt-get -q update >/dev/null
    apt-get install -y -q docker.io docker-buildx >/dev/null || die "apt-get install docker.io docker-buildx failed on ${PRETTY_NAME:-this system}; install Docker Engine with buildx by hand and run make again."
  fi
}

if ! command -v dockerd >/dev/null || ! has_buildx; then
  say "installing the Docker engine and buildx (about a minute, once)"
  install_engine
fi

if ! answers; then
  if [ -d /run/systemd/system ]; then
    say "starting docker.service"
    systemctl start docker
  else
    say "starting dockerd in the background (log: $log)"
    mkdir -p "$(dirname "$log")"
    # With the three standard streams only: a descriptor the caller holds (the lock a
    # `flock FILE make check` takes) would otherwise live, and stay locked, as long as dockerd.
    (
      for fd in /proc/self/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
      done
      exec setsid nohup dockerd >>"$log" 2>&1 < /dev/null
    ) &
  fi
  for _ in $(seq 1 "$timeout_s"); do
    answers && break
    sleep 1
  done
  answers || die "dockerd did not answer within ${timeout_s}s. Its last log lines:
$(tail -n 15 "$log" 2>/dev/null)
Fix the cause above (or raise SLIMLAB_ENGINE_TIMEOUT) and run make again."
fi
ready || die "The engine answers but 'docker buildx version' fails; install the docker-buildx package and run make again."
