#!/usr/bin/env bash
# Make one release of the app: app/release.py, the only file that changes
# from one release to the next (its own code, nothing else).
#
#   SLIMLAB_RELEASE=2 SLIMLAB_BUILD_ID=<id> bash make-release.sh
#
# The checker runs it (lab.toml: prepare = "make-release.sh") in a temporary
# copy of this lab, with the copy as the working directory: once with
# SLIMLAB_RELEASE=1 before the variants are built, then once per later
# release (lab.toml: releases) before building them again. Release 1 is the
# same on every run. A later release also records SLIMLAB_BUILD_ID, new on
# every run, so that no build cache already holds it: the time to build it is
# the time a developer waits after changing the code.
set -euo pipefail

release=${SLIMLAB_RELEASE:-1}
[[ $release =~ ^[1-9][0-9]*$ ]] || { echo "make-release.sh: SLIMLAB_RELEASE must be 1, 2, ...; it is '$release'" >&2; exit 2; }
[[ -f app/report.py ]] || { echo "make-release.sh: app/report.py not found; run me in the lab folder" >&2; exit 2; }

build=""
if (( release > 1 )); then
    build=${SLIMLAB_BUILD_ID:?make-release.sh: a release after the first needs SLIMLAB_BUILD_ID}
fi
cat > app/release.py <<PY
# Written by make-release.sh: release $release of the app.
RELEASE = $release
BUILD = "$build"
PY
