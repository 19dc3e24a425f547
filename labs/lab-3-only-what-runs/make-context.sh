#!/usr/bin/env bash
# Fill the app's folder with what a real project folder holds and an image
# must not: things git cannot or should not hold, so they are made here.
#
#   bash make-context.sh [PROJECT]      (PROJECT defaults to ./app)
#
# The checker runs it (lab.toml: prepare = "make-context.sh") in a temporary
# copy of this lab, with the copy as the working directory, before building;
# the lab folder itself stays clean. To look at the result by hand:
#
#   cp -r labs/lab-3-only-what-runs /tmp/ && bash /tmp/lab-3-only-what-runs/make-context.sh /tmp/lab-3-only-what-runs/app
#
# It writes, inside PROJECT:
#   .git/            a repository whose history still holds a 20 MB file
#                    that a later commit deleted
#   .venv/           a virtual environment with pip, as `python3 -m venv` makes it
#   __pycache__/     byte-code caches, in the project and in tests/
#   .pytest_cache/   what pytest leaves behind
#   tests/data/      10 MB of test data (deterministic)
#   .env             local settings with a FAKE secret
#
# Needs bash, git and python3 with the venv module (which `make` needs too).
# Running it again starts over. Exit status 0 on success; any failure stops it.
set -euo pipefail

project=${1:-app}
[[ -f $project/app.py ]] || { echo "make-context.sh: $project/app.py not found; run me in the lab folder or name the project folder" >&2; exit 2; }
for tool in git python3; do
    command -v "$tool" >/dev/null || { echo "make-context.sh: needs $tool on the PATH" >&2; exit 2; }
done
cd "$project"
rm -rf .git .venv __pycache__ tests/__pycache__ .pytest_cache tests/data .env

# Deterministic bytes: Python's seeded generator (the same on every run).
random_bytes() {  # random_bytes SEED COUNT
    python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(int(sys.argv[2])))' "$1" "$2"
}

# .git: a real repository, independent of the user's git configuration.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=slimlab GIT_AUTHOR_EMAIL=slimlab@example.com GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
export GIT_COMMITTER_NAME=slimlab GIT_COMMITTER_EMAIL=slimlab@example.com GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
git init --quiet --initial-branch=main .
git add .gitignore app.py requirements.txt tests
git commit --quiet -m "sizes: a small web service"
mkdir -p tests/recordings
random_bytes 1 20000000 > tests/recordings/session.bin
git add tests/recordings
git commit --quiet -m "Add a recorded session for the tests"
git rm --quiet -r tests/recordings
git commit --quiet -m "Drop the recorded session: too big"

# .venv: the developer's virtual environment.
python3 -m venv .venv

# Byte-code caches, as running the app and its tests leaves them.
python3 -m compileall -q app.py tests >/dev/null

# .pytest_cache, laid out as pytest writes it.
mkdir -p .pytest_cache/v/cache
printf 'Signature: 8a477f597d28d172789f06886806bc55\n' > .pytest_cache/CACHEDIR.TAG
printf '# pytest cache directory #\n' > .pytest_cache/README.md
printf '*\n' > .pytest_cache/.gitignore
printf '[\n  "tests/test_app.py::AnswerTest::test_root_says_hello"\n]\n' > .pytest_cache/v/cache/nodeids
printf '{}\n' > .pytest_cache/v/cache/lastfailed

# Test data: 10 MB of sample requests, one JSON object a line.
mkdir -p tests/data
python3 - <<'PY'
import json, random
rng = random.Random(3)
with open("tests/data/requests.jsonl", "w") as out:
    while out.tell() < 10_000_000:
        out.write(json.dumps({"path": f"/size?bytes={rng.randrange(10**12)}", "note": rng.randbytes(24).hex()}) + "\n")
PY

# .env: local settings. The secret is FAKE, made up for this lab.
cat > .env <<'ENV'
# Local settings for development. Never commit, never ship.
SECRET_KEY=FAKE-slimlab-0000-not-a-real-secret
DATABASE_URL=postgres://sizes:FAKE-password@localhost:5432/sizes
ENV

echo "make-context.sh: $(du -sh . | cut -f1) in $PWD (.git $(du -sh .git | cut -f1), .venv $(du -sh .venv | cut -f1), tests/data $(du -sh tests/data | cut -f1))"
