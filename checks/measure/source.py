"""What a variant is built from and as: its image's tag and labels, its build request, the lab's bases, and the
build context its prepare script makes (a release of the app in a temporary copy of the lab)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from checks.engine import proc, rebuild
from checks.engine.bases import Resolver
from checks.engine.buildx import BuildRequest
from checks.engine.docker import MANAGED_LABEL
from checks.model import checkout
from checks.model.checkout import HERE
from checks.model.dockerfile import external_images_of
from checks.model.errors import UsageError
from checks.model.i18n import _
from checks.model.progress import Say
from checks.model.results import BaseUse
from checks.model.spec import BUILD_ID_ENV, RELEASE_ENV, Lab, Variant

#: Seconds a lab's prepare script may take to make its build context.
PREPARE_TIMEOUT = 600.0


def image_tag(lab: Lab, variant: Variant) -> str:
    """The variant's image name, in this checkout's namespace: two checkouts on one engine never move each other's
    tags (:mod:`checks.model.checkout` says why names of their own rather than a lock)."""
    return HERE.tag(lab.name, variant.name)


def image_labels(lab: Lab, variant: Variant) -> dict[str, str]:
    """The labels on the variant's image: slimlab's, this checkout's (what ``make clean`` removes), the lab's and
    the variant's."""
    return {
        MANAGED_LABEL: "true",
        checkout.LABEL: HERE.id,
        "org.slimlab.lab": lab.name,
        "org.slimlab.variant": variant.name,
    }


def build_request(
    lab: Lab, variant: Variant, source: Path, uses: Sequence[BaseUse], *, resolver: Resolver, builder: str | None
) -> BuildRequest:
    """How to build ``variant`` from ``source`` (the lab's folder or its prepared copy) on the bases ``uses``,
    with ``SOURCE_DATE_EPOCH`` set (:func:`checks.engine.rebuild.with_epoch`)."""
    return rebuild.with_epoch(
        BuildRequest(
            dockerfile=source / variant.dockerfile,
            context=source / variant.context,
            tag=image_tag(lab, variant),
            labels=image_labels(lab, variant),
            contexts=resolver.contexts(uses),
            target=variant.target,
            builder=builder,
            secrets=tuple(f"id={secret_id},src={source / file}" for secret_id, file in variant.secrets),
        )
    )


def prepare(folder: Path, lab: Lab, copy: Path, *, release: int = 1, build_id: str = "") -> None:
    """Run the lab's prepare script in ``copy``, for release ``release`` of the app (``SLIMLAB_RELEASE``)."""
    assert lab.prepare
    env = {**os.environ, RELEASE_ENV: str(release), BUILD_ID_ENV: build_id}
    done = proc.run(["bash", lab.prepare], what=str(folder / lab.prepare), cwd=copy, env=env, timeout=PREPARE_TIMEOUT)
    if done.returncode:
        tail = "\n".join("    " + line for line in (done.stdout + done.stderr).strip().splitlines()[-15:])
        raise UsageError(
            f"{folder / lab.prepare} failed (exit {done.returncode}, {RELEASE_ENV}={release}):\n{tail}\n"
            "Fix the script and run the command again."
        )


@contextlib.contextmanager
def build_folder(folder: Path, lab: Lab, echo: Say) -> Iterator[Path]:
    """The folder to build from: the lab itself, or a prepared temporary copy of it (release 1)."""
    if not lab.prepare:
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix=f"slimlab-{lab.name}-") as tmp:
        copy = Path(tmp) / lab.name
        shutil.copytree(folder, copy, symlinks=True)
        echo(_("{lab}: preparing the build context ({script})").format(lab=lab.name, script=lab.prepare))
        prepare(folder, lab, copy)
        yield copy


def base_names(lab: Lab, folder: Path) -> list[str]:
    """Every base the lab's Dockerfiles name, in order of first use."""
    names: list[str] = []
    for variant in lab.variants:
        names += [n for n in external_images_of(folder / variant.dockerfile) if n not in names]
    return names


def resolve_bases(lab: Lab, folder: Path, resolver: Resolver, names: Sequence[str] | None = None) -> list[BaseUse]:
    """The image behind every base the lab's Dockerfiles name (or each of ``names``), in order of first use."""
    return [resolver.resolve(name) for name in (base_names(lab, folder) if names is None else names)]
