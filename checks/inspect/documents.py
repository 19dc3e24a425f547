"""An image's JSON documents with their shapes checked: ``docker save``'s manifest.json, OCI indexes and
manifests, and the image config.

Each function takes the bytes or the parsed document from an archive someone
else made and returns what slimlab reads of it, or raises
:class:`~checks.model.errors.MalformedError` naming the document and the field that
is missing or of the wrong kind.  Nothing past these functions indexes a
document it has not checked.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.inspect.limits import DOCUMENT, INDEXES, LAYERS
from checks.model.errors import MalformedError, UsageError

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")
#: The image manifests slimlab reads.  Another type (an artifact: a Helm chart, a signature, an SBOM) is refused,
#: not guessed at: its "layers" need not be file systems, and figures made from them would be nonsense.
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
_MISSING = object()


def parse(data: bytes, name: str) -> Any:
    """The JSON document ``name``; :class:`MalformedError` when it is too large or no JSON."""
    DOCUMENT.check(len(data), name)
    try:
        return json.loads(data)
    except RecursionError:
        raise MalformedError(f"{name} nests its lists or objects deeper than a JSON reader follows") from None
    except ValueError as error:  # UnicodeDecodeError is one too
        raise MalformedError(f"{name} is not JSON ({error})") from None


def kind(value: object) -> str:
    """What a JSON value is, as a message says it."""
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    for python, word in ((str, "text"), (int, "a number"), (float, "a number"), (list, "a list"), (dict, "an object")):
        if isinstance(value, python):
            return word
    return type(value).__name__


def _object(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise MalformedError(f"{name} is {kind(value)}, not an object")
    return value


def _get(document: Mapping[str, Any], key: str, expected: type, name: str, default: object = _MISSING) -> Any:
    """``document[key]`` when it is an ``expected`` (``default`` when absent or null and a default is given)."""
    value = document.get(key)
    if value is None and default is not _MISSING:
        return default
    if key not in document:
        raise MalformedError(f"{name} has no '{key}'")
    if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
        raise MalformedError(f"{name}'s '{key}' is {kind(value)}, not {kind(expected())}")
    return value


def _strings(document: Mapping[str, Any], key: str, name: str, default: object = _MISSING) -> tuple[str, ...]:
    found = _get(document, key, list, name, default)
    for item in found:
        if not isinstance(item, str):
            raise MalformedError(f"{name}'s '{key}' holds {kind(item)}, where it holds only text")
    return tuple(found)


@dataclass(frozen=True)
class DockerImage:
    """The one image of a ``docker save`` archive's manifest.json."""

    #: The config's path in the archive.
    config: str
    #: Each layer's path in the archive, lowest first.
    layers: tuple[str, ...]
    #: The image's whole entry, the fields above checked.
    document: Mapping[str, Any] = field(repr=False, default_factory=dict)


def docker_manifest(data: bytes, name: str = "manifest.json") -> DockerImage:
    """The one image a docker save archive's ``manifest.json`` lists."""
    document = parse(data, name)
    if not isinstance(document, list):
        raise MalformedError(f"{name} is {kind(document)}, not a list of images")
    images = [_object(item, f"{name}'s image {number + 1}") for number, item in enumerate(document)]
    if len(images) != 1:
        tags = [tag for image in images for tag in _strings(image, "RepoTags", name, ()) or ["(untagged)"]]
        raise UsageError(
            f"The docker save archive holds {len(images)} images ({', '.join(tags)}); slimlab reads one: "
            "save only the one you mean (docker save IMAGE -o FILE.tar)."
        )
    where = f"{name}'s image"
    layers = _strings(images[0], "Layers", where)
    LAYERS.check(len(layers), f"{name}'s list of layers")
    return DockerImage(config=_get(images[0], "Config", str, where), layers=layers, document=images[0])


@dataclass(frozen=True)
class Config:
    """What slimlab reads of an image config."""

    #: ``rootfs.diff_ids``: each layer's uncompressed digest, lowest first.
    diff_ids: tuple[str, ...]
    #: Its history, oldest first: objects whose ``created_by`` is text and ``empty_layer`` true or false.
    history: tuple[Mapping[str, Any], ...]
    #: ``config.Env``: ``NAME=value`` entries.
    env: tuple[str, ...]
    #: The whole document, every field above checked.
    document: Mapping[str, Any] = field(repr=False, default_factory=dict)


def image_config(data: bytes, name: str = "the image config") -> Config:
    """The image config in ``data``, the fields slimlab reads checked."""
    document = _object(parse(data, name), name)
    rootfs = _get(document, "rootfs", dict, name, {})
    diff_ids = _strings(rootfs, "diff_ids", f"{name}'s rootfs", ())
    LAYERS.check(len(diff_ids), f"{name}'s rootfs.diff_ids")
    history = tuple(
        _history_step(step, f"{name}'s history step {number + 1}")
        for number, step in enumerate(_get(document, "history", list, name, []))
    )
    settings = _get(document, "config", dict, name, {})
    return Config(
        diff_ids=diff_ids, history=history, env=_strings(settings, "Env", f"{name}'s config", ()), document=document
    )


def _history_step(step: object, name: str) -> Mapping[str, Any]:
    checked = _object(step, name)
    _get(checked, "created_by", str, name, "")
    _get(checked, "empty_layer", bool, name, False)
    return checked


@dataclass(frozen=True)
class Descriptor:
    """A blob as an index or a manifest names it."""

    digest: str
    media_type: str = ""
    #: Its size in bytes, or -1 when the descriptor gives none.
    size: int = -1
    #: (os, architecture), or ("", "") when not given.
    platform: tuple[str, str] = ("", "")
    annotations: Mapping[str, str] = field(default_factory=dict)
    #: The platform's variant (``v7`` of linux/arm/v7), or "".
    variant: str = ""


def descriptor(value: object, name: str) -> Descriptor:
    """A descriptor, checked: a digest, and a media type, size, platform and annotations of the right kinds."""
    document = _object(value, name)
    platform = _get(document, "platform", dict, name, {})
    size = _get(document, "size", int, name, -1)
    if size < -1:
        raise MalformedError(f"{name}'s size is {size}, below 0")
    notes = _get(document, "annotations", dict, name, {})
    return Descriptor(
        digest=_get(document, "digest", str, name),
        media_type=_get(document, "mediaType", str, name, ""),
        size=size,
        platform=(str(platform.get("os", "")), str(platform.get("architecture", ""))),
        annotations={str(key): str(value) for key, value in notes.items()},
        variant=str(platform.get("variant", "")),
    )


def is_index(document: Mapping[str, Any]) -> bool:
    """Whether a (checked) document is an index of manifests rather than a manifest."""
    return "manifests" in document or document.get("mediaType") in INDEX_TYPES


def index_or_manifest(data: bytes, name: str) -> Mapping[str, Any]:
    """An OCI index or manifest: an object either way."""
    return _object(parse(data, name), name)


def index_manifests(document: Mapping[str, Any], name: str) -> list[Descriptor]:
    """The descriptors an index lists."""
    items = _get(document, "manifests", list, name)
    return [descriptor(item, f"{name}'s manifest {number + 1}") for number, item in enumerate(items)]


def image_manifest(document: Mapping[str, Any], name: str) -> tuple[Descriptor, list[Descriptor]]:
    """(the config, the layers) an image manifest names; one of another media type is refused (see
    :data:`MANIFEST_TYPES`), while one that names no media type, as early OCI layouts wrote them, is read."""
    media_type = _get(document, "mediaType", str, name, "")
    if media_type and media_type not in MANIFEST_TYPES:
        raise MalformedError(
            f"{name} is a manifest of the media type '{media_type[:100]}', which is no image manifest slimlab "
            f"reads ({' or '.join(MANIFEST_TYPES)}): it may be an artifact, such as a chart or a signature, whose "
            "layers hold no file system"
        )
    layers = _get(document, "layers", list, name)
    LAYERS.check(len(layers), f"{name}'s list of layers")
    return descriptor(_get(document, "config", dict, name), f"{name}'s config"), [
        descriptor(item, f"{name}'s layer {number + 1}") for number, item in enumerate(layers)
    ]


def platforms(descriptors: Sequence[Descriptor]) -> list[str]:
    """Each descriptor's platform as ``os/architecture[/variant]``."""
    return ["/".join(filter(None, (*d.platform, d.variant))) for d in descriptors]


@dataclass(frozen=True)
class Platform:
    """A platform as ``--platform`` names one: ``os/architecture[/variant]``."""

    os: str
    architecture: str
    #: "" for any variant.
    variant: str = ""

    def __str__(self) -> str:
        return "/".join(filter(None, (self.os, self.architecture, self.variant)))

    def takes(self, descriptor: Descriptor) -> bool:
        """Whether ``descriptor`` is this platform's image (of any variant when this names none)."""
        return descriptor.platform == (self.os, self.architecture) and self.variant in ("", descriptor.variant)


#: What ``--platform`` accepts: two or three names, as OCI's platform fields spell them.
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]*(?:/[a-z0-9][a-z0-9_.-]*){1,2}")


def platform_named(text: str) -> Platform:
    """The platform ``--platform`` names; a text that is none is :class:`UsageError`."""
    if not _PLATFORM.fullmatch(text.lower()):
        raise UsageError(
            f"--platform '{text[:100]}' is no platform: give os/architecture or os/architecture/variant, such as "
            "linux/amd64, linux/arm64 or linux/arm/v7. Leave it out to hear which platforms an index holds."
        )
    return Platform(*text.lower().split("/"))


# ---------------------------------------------------------------------------
# An OCI image layout's way from index.json to one image: what a layout on disk and a `docker save` stream share.

#: The engine's platform (the machine slimlab assumes): the one an image in the engine is read for.
PLATFORM = Platform("linux", "amd64")
#: A small file of an archive or layout by its name, checked against the digest given ("" when named by path).
Read = Callable[[str, str], bytes]


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def with_digest(data: bytes, name: str, digest: str) -> bytes:
    """``data``, the blob ``name``, when it has ``digest`` (or none is given); else :class:`MalformedError`."""
    if digest and sha256_digest(data) != digest:
        raise MalformedError(f"the blob {name} does not have the digest its index names: it is damaged")
    return data


def blob_name(digest: str) -> str:
    """Where a layout keeps the blob of ``digest``: ``blobs/sha256/<hex>``, sha256 only."""
    algorithm, _, hexdigest = digest.partition(":")
    if algorithm != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", hexdigest):
        raise MalformedError(f"it names the blob '{digest[:100]}'; slimlab reads sha256 digests only")
    return f"blobs/sha256/{hexdigest}"


def _images(descriptors: Sequence[Descriptor]) -> list[Descriptor]:
    """The descriptors that are images: attestations (BuildKit's provenance, platform unknown) left out."""
    return [
        d
        for d in descriptors
        if d.annotations.get("vnd.docker.reference.type") != "attestation-manifest"
        and d.platform != ("unknown", "unknown")
    ]


def _name(descriptor: Descriptor) -> str:
    """What an index calls an image: Docker's full name, the OCI ref name, else its platform."""
    notes = descriptor.annotations
    return str(
        notes.get("io.containerd.image.name")
        or notes.get("org.opencontainers.image.ref.name")
        or "/".join(descriptor.platform)
    )


def choose(
    descriptors: Sequence[Descriptor],
    platform: Platform | None = None,
    *,
    held: Callable[[Descriptor], bool] | None = None,
    where: str = "The image layout",
) -> Descriptor:
    """The manifest to read from an index: the only image it holds (``held``: whether its manifest is there, as
    an index may list platforms it left out), else the one for ``platform``; with none given on an index of
    several platforms, or none of them ``platform``'s, :class:`UsageError` listing the platforms (``where`` names
    the input)."""
    images = _images(descriptors)
    there = [d for d in images if held is None or held(d)] or images
    matching = there if platform is None else [d for d in there if platform.takes(d)]
    if len(there) == 1 and (platform is None or matching or there[0].platform == ("", "")):
        return there[0]
    if len(matching) == 1:
        return matching[0]
    if not there or any(d.platform == ("", "") for d in there):
        names = [_name(d) for d in there]
        raise UsageError(
            f"{where} holds {len(there)} images ({', '.join(names) or 'none'}); slimlab reads one: copy only the "
            "one you mean into a layout of its own (skopeo copy, or docker save IMAGE)."
        )
    held_names = ", ".join(platforms(there))
    if platform is None:
        raise UsageError(
            f"{where} is a multi-platform image: its index holds {len(there)} platforms ({held_names}), and slimlab "
            f"reads one. Say which with --platform, such as --platform {platforms(there)[0]}."
        )
    if matching:
        raise UsageError(
            f"{where} holds {len(matching)} images for {platform} ({', '.join(platforms(matching))}). "
            "Add the variant to --platform, such as --platform " + platforms(matching)[0] + "."
        )
    raise UsageError(
        f"{where} holds no image for {platform}: its index holds {held_names}. Give one of these with --platform."
    )


def picked(descriptors: Sequence[Descriptor], chosen: Descriptor) -> list[str]:
    """The note that says which of several platforms' images was read; none when there was one image."""
    images = _images(descriptors)
    if len(images) < 2:
        return []
    (read,) = platforms([chosen])
    return [f"its index holds images for {len(images)} platforms ({', '.join(platforms(images))}); slimlab read {read}"]


def _held(has: Callable[[str], bool] | None) -> Callable[[Descriptor], bool] | None:
    """Whether a layout holds the manifest a descriptor names, when ``has`` says which files it holds."""
    if has is None:
        return None

    def held(descriptor: Descriptor) -> bool:
        try:
            return has(blob_name(descriptor.digest))
        except MalformedError:
            return True  # refused when it is read

    return held


def oci_manifest(
    read: Read,
    platform: Platform | None = None,
    start: tuple[str, str] = ("index.json", ""),
    *,
    has: Callable[[str], bool] | None = None,
    where: str = "The image layout",
) -> tuple[Mapping[str, Any], str, list[str]]:
    """(the image manifest ``start`` (a name and its digest, "" for none: ``index.json``) leads to, through nested
    indexes, each followed to ``platform``'s image or the only one it holds (:func:`choose`; ``has``: whether the
    layout holds a file); its name; what the user should hear of the choice)."""
    name, notes = start[0], list[str]()
    document = index_or_manifest(read(*start), name)
    for _ in range(INDEXES.most):
        if not is_index(document):
            return document, name, notes
        descriptors = index_manifests(document, name)
        chosen = choose(descriptors, platform, held=_held(has), where=where)
        notes += picked(descriptors, chosen)
        name = blob_name(chosen.digest)
        document = index_or_manifest(read(name, chosen.digest), name)
    raise MalformedError(f"its indexes nest more than {INDEXES.most} deep ({INDEXES.why})")


def oci_image(
    read: Read,
    platform: Platform | None = None,
    start: tuple[str, str] = ("index.json", ""),
    *,
    has: Callable[[str], bool] | None = None,
    where: str = "The image layout",
) -> tuple[bytes, list[Descriptor], list[str]]:
    """(the config's bytes, its digest checked; the layers' descriptors; notes on the choice of image) of the image
    an OCI layout's ``index.json`` (or ``start``: see :func:`oci_manifest`) leads to."""
    manifest, name, notes = oci_manifest(read, platform, start, has=has, where=where)
    config, layers = image_manifest(manifest, name)
    return read(blob_name(config.digest), config.digest), layers, notes
