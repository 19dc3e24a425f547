"""An image in a registry, read with no engine: ``analyze docker://host/repo:tag``, through skopeo.

skopeo reads the reference's manifest first (``skopeo inspect --raw``).  When
it is an index of several platforms, the image is chosen as in a layout
(:func:`~checks.inspect.documents.choose`: ``--platform``'s, or the only one;
with none given on an index of several, exit 2 listing them), and copied by
its digest, so the image read is the one chosen even if the tag moves.  skopeo
copies it into an OCI layout in a folder of its own under ``/var/tmp``, read
as any layout (:func:`~checks.inspect.layout.read_path`), every digest
checked; the folder is removed whatever happens.

TLS is verified, except for a registry on loopback (``localhost``,
``127.0.0.1``, ``[::1]``), which Docker too speaks to over plain HTTP.  skopeo
is Debian's package; when it is missing, ``checks/setup/skopeo.sh`` installs it
(as the compression matrix does).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from checks.engine import proc, recompress
from checks.inspect.archive import ImageContents, Scan
from checks.inspect.documents import (
    Platform,
    choose,
    index_manifests,
    index_or_manifest,
    is_index,
    picked,
)
from checks.inspect.layout import REFERENCE, read_path
from checks.model.errors import MalformedError, UsageError

#: What makes an argument a registry reference, as skopeo and Podman spell one.
PREFIX = "docker://"
#: Hosts whose registry is spoken to without TLS: the machine itself.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
#: Seconds skopeo may take to read a manifest, and to copy an image (a gigabyte over a slow link).
INSPECT_TIMEOUT, COPY_TIMEOUT = 120.0, 1800.0
#: What to do when the registry cannot be read.
FIX = (
    "Check the reference (skopeo inspect docker://HOST/REPO:TAG shows what the registry holds), that the registry "
    "answers, and for a private one that you are logged in (skopeo login HOST)."
)


def names_a_registry(argument: str) -> bool:
    """Whether ``argument`` is a registry reference, ``docker://[host/]repo[:tag|@digest]``."""
    return argument.startswith(PREFIX)


def reference_of(argument: str) -> str:
    """The reference after ``docker://``, checked against the grammar an engine reads; else :class:`UsageError`."""
    reference = argument.removeprefix(PREFIX)
    if not REFERENCE.match(reference) or reference.startswith("sha256:"):
        raise UsageError(
            f"'{argument[:200]}' is no registry reference: give docker://HOST[:PORT]/REPOSITORY[:TAG] or "
            "...@sha256:DIGEST, such as docker://registry.example.com/team/app:1.2 or docker://localhost:5000/app."
        )
    return reference


def host_of(reference: str) -> str:
    """The registry host (and port) a reference names, "" for Docker Hub's."""
    first, slash, _ = reference.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
        return first
    return ""


def tls_arguments(reference: str) -> list[str]:
    """``--tls-verify=false`` for a registry on loopback, else nothing (TLS verified)."""
    host = host_of(reference)
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return ["--tls-verify=false"] if name in LOOPBACK else []


def pinned(reference: str, digest: str) -> str:
    """``reference`` with its tag or digest replaced by ``digest``."""
    name = reference.partition("@")[0]
    head, slash, last = name.rpartition("/")
    return f"{head}{slash}{last.partition(':')[0]}@{digest}"


def inspect_arguments(reference: str) -> list[str]:
    """``skopeo`` arguments that print the manifest or index ``reference`` names, as the registry holds it."""
    return ["inspect", "--raw", "--retry-times", "2", *tls_arguments(reference), f"{PREFIX}{reference}"]


def copy_arguments(reference: str, layout: Path) -> list[str]:
    """``skopeo`` arguments that copy the one image ``reference`` names into a new OCI layout ``layout``."""
    tls = [f"--src-{argument.removeprefix('--')}" for argument in tls_arguments(reference)]
    return ["copy", "--quiet", "--retry-times", "2", *tls, f"{PREFIX}{reference}", f"oci:{layout}:image"]


def chosen(argument: str, reference: str, raw: bytes, platform: Platform | None) -> tuple[str, list[str]]:
    """(the reference of the one image to copy, notes on the choice) from what ``reference`` names (``raw``): a
    manifest is copied as it is named, an index's image by its digest (:func:`~checks.inspect.documents.choose`)."""
    document = index_or_manifest(raw, f"the manifest of {reference}")
    if not is_index(document):
        return reference, []
    descriptors = index_manifests(document, f"the index of {reference}")
    image = choose(descriptors, platform, where=f"'{argument}'")
    return pinned(reference, image.digest), picked(descriptors, image)


def _skopeo(binary: str, arguments: list[str], argument: str, timeout: float) -> str:
    done = proc.run([binary, *arguments], timeout=timeout, what=f"`skopeo {' '.join(arguments)}`")
    if done.returncode:
        last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        said = re.search(r'msg="(.*)"$', last)  # skopeo's log line: time="..." level=fatal msg="..."
        why = said.group(1).replace('\\"', '"') if said else last
        raise UsageError(f"skopeo could not read '{argument}': {why[:500]}. {FIX}")
    return done.stdout


def read_registry(
    argument: str, platform: Platform | None, scan: Scan | None, echo: Callable[[str], None]
) -> ImageContents:
    """The image the registry reference ``argument`` (``docker://...``) names, for ``platform`` when it is an
    index; ``scan``: see :func:`~checks.inspect.layout.contents`."""
    reference = reference_of(argument)
    binary = recompress.skopeo(
        echo,
        needs=f"Reading {argument} from its registry takes skopeo",
        instead="or copy the image into an OCI layout elsewhere and analyze the layout",
    )
    raw = _skopeo(binary, inspect_arguments(reference), argument, INSPECT_TIMEOUT).encode()
    try:
        image, notes = chosen(argument, reference, raw, platform)
    except MalformedError as error:
        raise error.at(f"'{argument}'", fix=FIX) from None
    scratch = recompress.SCRATCH if recompress.SCRATCH.is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="slimlab-copy-", dir=scratch))
    try:
        _skopeo(binary, copy_arguments(image, folder / "layout"), argument, COPY_TIMEOUT)
        contents = read_path(argument, None, scan, at=folder / "layout")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return dataclasses.replace(contents, notes=(*notes, *contents.notes))
