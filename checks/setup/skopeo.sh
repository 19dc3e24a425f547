#!/usr/bin/env bash
# skopeo, for the compression matrix (checks/engine/recompress.py, which runs this when
# skopeo is missing) and the docker test that reads OCI image layouts (tests/test_docker_layout.py):
# it turns a `docker save` archive into OCI layouts with gzip, zstd and
# uncompressed layers, as registries and other tools write them.  Present
# already: nothing to do.  Missing on Debian or Ubuntu as root: apt-get install
# Debian's skopeo package (once).  Anywhere else: say what to install; the test
# then skips visibly (and fails in CI).  `analyze` needs it only for an image
# in a registry (`analyze docker://HOST/REPO:TAG`, checks/engine/remote.py, which runs this too).
set -euo pipefail

command -v skopeo >/dev/null 2>&1 && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "skopeo: not found. Install it (Debian/Ubuntu: apt-get install skopeo);" \
         "the OCI layout docker test skips without it." >&2
    exit 0
fi

echo "skopeo: installing Debian's skopeo package for the OCI layout docker test (once)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends skopeo >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends skopeo >/dev/null
fi
command -v skopeo >/dev/null
