#!/usr/bin/env bash
# A Python environment that runs `python -m checks analyze` and nothing more, for CI jobs
# that judge their own images (the GitHub Action, action.yml; the GitLab CI snippet,
# docs/snippets/gitlab-ci.yml):
#
#   bash checks/setup/analyze.sh VENV [PYTHON]
#
# makes the virtual environment VENV with PYTHON (default python3, 3.11 or newer), installs
# the packages analyze imports at the versions requirements.txt pins (the Docker SDK and
# what it talks HTTP with; zstandard for zstd layers; Hyperscan, where it has wheels), not
# the guide's or the tests' tools, and puts this checkout on the environment's path, so
# `VENV/bin/python -m checks analyze ...` runs from any folder.  Run again, it installs
# nothing new.  tests/test_docker_action.py runs it, through the action, in a fresh folder.
set -euo pipefail

venv=${1:?usage: analyze.sh VENV [PYTHON]}
python=${2:-python3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
#: What analyze imports beyond the standard library, by name; their versions are requirements.txt's.
packages='docker|requests|urllib3|certifi|charset-normalizer|idna|zstandard|hyperscan'

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "slimlab: $python is not Python 3.11 or newer, which slimlab needs. Name another as the second" \
         "argument (a CI job: install one first, e.g. actions/setup-python)." >&2
    exit 2
fi
"$python" -m venv "$venv"
grep -E "^($packages)==" "$root/requirements.txt" > "$venv/slimlab-requirements.txt"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$venv/slimlab-requirements.txt"
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$root" > "$site/slimlab.pth"
"$venv/bin/python" -c 'import checks.cli' # every module analyze starts with imports, or this fails here
