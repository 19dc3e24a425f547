"""Re-compress an image's layers with skopeo and push them to the loopback registry.

The engine pushes gzip only.  For the compression matrix
(:mod:`checks.model.compression`) the image is saved once (``docker save``:
its layers uncompressed), and for each other compression skopeo writes a new
OCI layout with the layers compressed that way (timed: what that compression
costs on this machine), then pushes the layout blob for blob.  Nothing is
left behind: the archive and the layouts live in one temporary folder under
``/var/tmp``, removed when the block ends, whatever happens.

skopeo is Debian's package; when it is missing, ``checks/setup/skopeo.sh``
installs it (as root on Debian or Ubuntu), as the registry is installed.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from checks.engine import proc, transfer
from checks.model.compression import Compression
from checks.model.errors import UsageError

SETUP = Path(__file__).resolve().parents[1] / "setup" / "skopeo.sh"
#: Seconds one skopeo copy may take: the best zstd level compresses a 1 GB image in minutes on two cores.
COPY_TIMEOUT = 1800.0
#: Where the archive and the layouts go: on disk, not in a tmpfs /tmp (a full image is about a gigabyte).
SCRATCH = Path("/var/tmp")


def layout_arguments(compression: Compression, archive: Path, layout: Path) -> list[str]:
    """``skopeo`` arguments that re-compress a ``docker save`` archive into a new OCI layout.

    A layout of its own, new each time, because skopeo remembers which compressed blob it once made of a
    layer (its blob-info cache) and would hand a registry that blob again, whatever level is asked now;
    a new layout has no such blob, so every layer is compressed at the level asked."""
    if compression.pushed or compression.level is None:
        raise ValueError(f"{compression.key} is the engine's own push, not a re-compression")
    return [
        "copy",
        "--quiet",
        "--dest-compress-format",
        compression.format,
        "--dest-compress-level",
        str(compression.level),
        f"docker-archive:{archive}",
        f"oci:{layout}:image",
    ]


def push_arguments(layout: Path, ref: str) -> list[str]:
    """``skopeo`` arguments that push an OCI layout to the loopback registry blob for blob: no re-compression,
    and no swapping in a blob the registry holds in another compression (``--preserve-digests``)."""
    return [
        "copy",
        "--quiet",
        "--preserve-digests",
        "--dest-tls-verify=false",
        f"oci:{layout}:image",
        f"docker://{ref}",
    ]


def skopeo(
    echo: Callable[[str], None],
    *,
    needs: str = "The compression matrix re-compresses images with skopeo",
    instead: str = "or set SLIMLAB_PULL_MEASURE=0 to measure no compressed sizes",
) -> str:
    """The skopeo binary, installed first with checks/setup/skopeo.sh when it is missing (``needs``: what for;
    ``instead``: what else to do, as the error says them)."""
    if found := shutil.which("skopeo"):
        return found
    echo(f"slimlab: skopeo is missing; installing it with {SETUP.relative_to(SETUP.parents[2])}")
    done = proc.run(["bash", str(SETUP)], what=f"{SETUP} (installing skopeo; or install it by hand)", timeout=900)
    for line in done.stdout.splitlines():
        echo(line)
    found = shutil.which("skopeo")
    if done.returncode or not found:
        raise UsageError(
            f"{needs}, which is not installed and {SETUP} could not "
            f"install ({done.stderr.strip() or 'no reason given'}). Install skopeo (Debian: apt-get install skopeo), "
            f"{instead}."
        )
    return found


@contextlib.contextmanager
def saved(image: str) -> Iterator[Path]:
    """A folder holding ``image.tar``, the ``docker save`` archive of ``image``; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="slimlab-recompress-", dir=SCRATCH if SCRATCH.is_dir() else None))
    try:
        archive = folder / "image.tar"
        with transfer.save(image) as stream, archive.open("wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy(binary: str, arguments: list[str], what: str) -> None:
    done = proc.run([binary, *arguments], timeout=COPY_TIMEOUT, what=f"`skopeo {' '.join(arguments)}` ({what})")
    if done.returncode:
        raise UsageError(
            f"`skopeo {' '.join(arguments)}` failed ({done.stderr.strip() or f'exit {done.returncode}'}) while {what}. "
            "Check that the loopback registry answers and that /var/tmp has room, then run the command again."
        )


def push(binary: str, folder: Path, compression: Compression, ref: str) -> float:
    """Compress the layers of ``folder``'s archive as ``compression`` says into a new layout, push it as ``ref``;
    return the seconds the compression took (the push is not counted)."""
    layout = folder / compression.key
    try:
        start = time.monotonic()
        _copy(binary, layout_arguments(compression, folder / "image.tar", layout), f"compressing as {compression.key}")
        seconds = time.monotonic() - start
        _copy(binary, push_arguments(layout, ref), f"pushing {ref}")
        return seconds
    finally:
        shutil.rmtree(layout, ignore_errors=True)
