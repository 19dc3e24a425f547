"""What the builds of a lab's variants read, and its fingerprint: the ``inputs_sha256`` results.json records.

The checker skips a lab whose fingerprint and images are unchanged, and the docs
build warns when the fingerprint no longer matches the lab's files.  Files no
variant's build reads, such as the exercise a learner edits, are not inputs; a
symbolic link that leads out of the lab counts by where it points, never followed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from checks.model import dockerignore, paths
from checks.model.results import RESULTS_NAME
from checks.model.spec import SPEC_NAME, Lab, Variant

#: Never part of a lab's inputs: the results themselves and tool caches.
#: (The ``.partial`` file only lives while results.json is being written; see
#: :func:`checks.store.results.write_if_changed`.)
NOT_INPUTS = {RESULTS_NAME, f".{RESULTS_NAME}.partial", "__pycache__", ".pytest_cache"}


def input_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` but results and caches, sorted: a stand-in recipe's inputs.

    A recipe's folder is all build input; a lab's inputs are narrower (:func:`lab_input_files`).
    """
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not NOT_INPUTS.intersection(path.relative_to(folder).parts)
    )


def variant_input_files(folder: Path, variant: Variant) -> list[Path]:
    """What building one variant reads: its Dockerfile, the ignore file in effect, its secret files and the context
    the ignore file lets in.

    ValueError when the ignore file holds a pattern BuildKit would refuse.
    """
    dockerfile, context = folder / variant.dockerfile, folder / variant.context
    ignore = dockerignore.ignore_file(dockerfile, context)
    try:
        patterns = dockerignore.parse(ignore.read_text(encoding="utf-8")) if ignore else ()
    except ValueError as error:
        raise ValueError(f"{ignore}: {error}") from None
    secrets = [folder / file for _, file in variant.secrets]
    return [dockerfile, *([ignore] if ignore else []), *secrets, *dockerignore.context_files(context, patterns)]


def lab_input_files(lab: Lab, folder: Path) -> list[Path]:
    """Every file of the lab in ``folder`` that can change what the checker measures, sorted.

    ``lab.toml``, the ``[lab] prepare`` script, and for each variant what
    :func:`variant_input_files` names; never results or caches.  A Dockerfile no
    variant names (``exercise.Dockerfile``, ``solution.Dockerfile``) counts only
    if it is in a variant's build context, which a ``.dockerignore`` can prevent.
    """
    found = {folder / SPEC_NAME, *([folder / lab.prepare] if lab.prepare else [])}
    for variant in lab.variants:
        found.update(variant_input_files(folder, variant))
    return sorted(path for path in found if not NOT_INPUTS.intersection(path.relative_to(folder).parts))


def inputs_sha256(lab: Lab, folder: Path) -> str:
    """SHA-256 over each of :func:`lab_input_files`' relative path and content (:func:`_content`)."""
    digest = hashlib.sha256()
    for path in lab_input_files(lab, folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(_content(path, folder)).digest())
    return digest.hexdigest()


def _content(path: Path, folder: Path) -> bytes:
    """What of an input file can change a build: its bytes, or for a symbolic link that leads out of the lab folder
    where it points, as BuildKit sends a link of the build context (never followed: a lab from someone else cannot
    make the checker read the rest of the machine)."""
    if paths.escapes(path, folder):
        return b"symlink:" + os.fsencode(path.readlink())
    return path.read_bytes()
