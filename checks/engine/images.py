"""Images in the engine: inspected, their history and the bytes each step added, listed, and removed (only
what carries this checkout's labels, :mod:`checks.model.checkout`, or is asked for by name).  Each answer is
what the CLI gave (:func:`history_layers`, :func:`image_rows`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

import docker as sdk

from checks.engine import docker
from checks.model import checkout
from checks.model.checkout import HERE, Checkout
from checks.model.errors import UsageError
from checks.model.measured import Layer


def history_layers(items: Iterable[Mapping[str, Any]]) -> tuple[Layer, ...]:
    """``/images/{id}/history`` (newest first) as ``docker history --no-trunc --human=false`` gave it, oldest first:
    the CLI replaces each tab in CreatedBy with a space."""
    rows = [
        Layer(size_bytes=int(item.get("Size") or 0), created_by=(item.get("CreatedBy") or "").replace("\t", " "))
        for item in items
    ]
    return tuple(reversed(rows))


def image_rows(images: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(repository:tag, short id) rows of ``/images/json``.

    As ``docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}'`` prints them: one per tag,
    ``<none>:<none>`` for an untagged image, ``repo:<none>`` for one known only by digest.
    """
    rows = []
    for image in images:
        short = image["Id"].removeprefix("sha256:")[:12]
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        digests = [d for d in image.get("RepoDigests") or [] if d != "<none>@<none>"]
        if not tags and not digests:
            rows.append(("<none>:<none>", short))
            continue
        tagged = {tag.rsplit(":", 1)[0] for tag in tags}
        rows += [(tag, short) for tag in tags]
        rows += [
            (f"{repo}:<none>", short)
            for repo in dict.fromkeys(d.split("@", 1)[0] for d in digests)
            if repo not in tagged
        ]
    return rows


def inspect_image(ref: str) -> dict[str, Any] | None:
    """``docker image inspect`` of ``ref``, or None when there is no such image."""
    with docker.engine_errors(f"image inspect {ref}"):
        try:
            found: dict[str, Any] = docker.api().inspect_image(ref)  # type: ignore[no-untyped-call]
            return found
        except sdk.errors.APIError as error:
            if error.is_client_error():  # no such image, or a name that cannot be one: the CLI said nothing either
                return None
            raise


def history(ref: str) -> tuple[Layer, ...]:
    """The image's steps, oldest first, with the bytes each added."""
    with docker.engine_errors(f"history {ref}"):
        return history_layers(docker.api().history(ref))  # type: ignore[no-untyped-call]


def owned(rows: list[tuple[str, str]], here: Checkout = HERE) -> list[str]:
    """Of (repository:tag, id) rows of images carrying ``here``'s label, what it may remove: its tags in its
    namespace, and the images left with no tag at all (a variant built anew leaves its old image so), by id.
    An image tagged only elsewhere (a user's image that inherits the label from a slimlab one) is not slimlab's."""
    names: dict[str, list[str]] = {}
    for ref, image_id in rows:
        names.setdefault(image_id, []).extend([] if ref.endswith(":<none>") else [ref])
    refs = []
    for image_id, tags in names.items():
        ours = [tag for tag in tags if here.owns(tag)]
        refs += ours or ([] if tags else [image_id])
    return refs


def own_images(lab: str | None = None) -> list[str]:
    """References of the images this checkout built (only those of ``lab`` when given)."""
    labels = [f"{docker.MANAGED_LABEL}=true", f"{checkout.LABEL}={HERE.id}"] + (
        [f"org.slimlab.lab={lab}"] if lab else []
    )
    with docker.engine_errors("images -a --filter label=" + " --filter label=".join(labels)):
        return owned(image_rows(docker.api().images(all=True, filters={"label": labels})))


def stand_ins() -> list[str]:
    """The tags of the stand-in bases, which every checkout on the engine shares."""
    labels = [f"{docker.MANAGED_LABEL}=true", docker.STAND_IN_LABEL]
    with docker.engine_errors("images --filter label=" + " --filter label=".join(labels)):
        rows = image_rows(docker.api().images(filters={"label": labels}))
    return [ref for ref, _ in rows if ref.startswith(docker.STAND_INS)]


def remove_images(refs: list[str]) -> list[str]:
    """Remove the given images; return those the engine refused (e.g. still used)."""
    refused = []
    for ref in refs:
        with docker.engine_errors(f"rmi {ref}"):
            try:
                docker.api().remove_image(ref)
            except sdk.errors.APIError:
                refused.append(ref)
    return refused


def listed_bytes(image_id: str) -> int | None:
    """The size ``docker image ls`` shows for the image (the image list's ``Size``); None when it is not listed."""
    with docker.engine_errors("image ls"):
        found = [image for image in docker.api().images(all=True) if image.get("Id") == image_id]
    return int(found[0].get("Size") or 0) if found else None


def forget_images(host: str) -> None:
    """Remove every image (and so every layer) from the engine at ``host``: the next pull starts from nothing."""
    api = docker.api(host)
    with docker.engine_errors("images -aq", where=host):
        ids = sorted({image["Id"] for image in api.images(all=True)})
    for image_id in ids:
        with docker.engine_errors(f"rmi -f {image_id}", where=host), contextlib.suppress(sdk.errors.NotFound):
            api.remove_image(image_id, force=True)
    with docker.engine_errors("images -aq", where=host):
        left = api.images(all=True)
    if left:
        raise UsageError(
            f"The fresh engine at {host} kept {len(left)} image(s) after removing them all, so the next "
            "pull would not be cold."
        )
