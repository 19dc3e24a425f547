"""Small images made from nothing, for the analysis tests: layer tars, tar-split records and `docker load` archives.

Each layer is a list of entries written as a reader reads them::

    file("etc/conf", 1000)          a file of 1000 bytes (its content is derived from the path and size)
    file("etc/conf", b"exact")      a file with exactly this content
    directory("data")               a directory entry
    whiteout("data")                deletes data (and all under it) from the layers below
    opaque("cache")                 hides what the layers below put in cache/
    symlink("bin/sh", "busybox")    hardlink("bin/ls", "bin/busybox")

Nothing here needs Docker; :func:`docker_archive` makes the tar that
``docker load`` takes, so a docker test can load an exact image (tagged
``slimlab/test-analyze-*``, labelled as slimlab's own) without a base image.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MANAGED = {"org.slimlab.managed": "true"}


@dataclass(frozen=True)
class Item:
    path: str
    type: bytes = tarfile.REGTYPE
    content: bytes = b""
    link: str = ""


def _content(path: str, size: int) -> bytes:
    seed = hashlib.sha256(f"{path}:{size}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def file(path: str, size_or_content: int | bytes) -> Item:
    content = size_or_content if isinstance(size_or_content, bytes) else _content(path, size_or_content)
    return Item(path, tarfile.REGTYPE, content)


def zeros(path: str, size: int) -> Item:
    return Item(path, tarfile.REGTYPE, bytes(size))


def directory(path: str) -> Item:
    return Item(path, tarfile.DIRTYPE)


def whiteout(path: str) -> Item:
    parent, _, name = path.rpartition("/")
    return Item(f"{parent}/.wh.{name}" if parent else f".wh.{name}")


def opaque(path: str) -> Item:
    return Item(f"{path}/.wh..wh..opq")


def symlink(path: str, target: str) -> Item:
    return Item(path, tarfile.SYMTYPE, link=target)


def hardlink(path: str, target: str) -> Item:
    return Item(path, tarfile.LNKTYPE, link=target)


def layer_tar(items: Sequence[Item]) -> bytes:
    """One layer as Docker stores it: a PAX tar, entries in the order given."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for item in items:
            info = tarfile.TarInfo(item.path + ("/" if item.type == tarfile.DIRTYPE else ""))
            info.type, info.linkname, info.mtime = item.type, item.link, 1_700_000_000
            info.mode = 0o755 if item.type == tarfile.DIRTYPE else 0o644
            info.size = len(item.content)
            tar.addfile(info, io.BytesIO(item.content) if item.content else None)
    return out.getvalue()


def tar_split(tar: bytes) -> str:
    """The tar-split records Docker keeps for a layer tar: raw header bytes (type 2) and file records (type 1)."""
    lines, position, cursor = [], 0, 0
    with tarfile.open(fileobj=io.BytesIO(tar), mode="r:") as archive:
        for member in archive:
            raw = tar[cursor : member.offset_data]
            lines.append({"type": 2, "payload": base64.b64encode(raw).decode(), "position": position})
            record: dict = {"type": 1, "name": member.name + ("/" if member.isdir() else "")}
            if member.size:
                record["size"] = member.size
            content = tar[member.offset_data : member.offset_data + member.size]
            record["payload"] = base64.b64encode(hashlib.sha256(content).digest()[:8]).decode() if member.size else None
            lines.append({**record, "position": position + 1})
            position += 2
            cursor = member.offset_data + member.size
    lines.append({"type": 2, "payload": base64.b64encode(tar[cursor:]).decode(), "position": position})
    return "".join(engine_json(line) + "\n" for line in lines)


def engine_json(record: dict) -> str:
    """A record as the engine writes it (Go's encoding/json): no spaces, UTF-8 as it is, ``<``, ``>``, ``&``,
    U+2028 and U+2029 escaped."""
    text = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config(
    layers: Sequence[bytes],
    *,
    labels: dict[str, str] | None = None,
    history: Sequence[str | dict] = (),
    env: Sequence[str] = (),
) -> bytes:
    """An image config; a history step is its ``created_by``, or a dict as the config holds it (``empty_layer``)."""
    steps = list(history) or [f"RUN step {i}" for i in range(len(layers))]
    return json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Labels": {**MANAGED, **(labels or {})},
                **({"Env": list(env)} if env else {}),
                "Cmd": ["/nothing"],
            },
            "rootfs": {"type": "layers", "diff_ids": [digest(layer) for layer in layers]},
            "history": [step if isinstance(step, dict) else {"created_by": step} for step in steps]
            + [{"created_by": 'CMD ["/nothing"]', "empty_layer": True}],
        }
    ).encode()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), 1_700_000_000
    tar.addfile(info, io.BytesIO(data))


def docker_archive(
    layers: Sequence[Sequence[Item]],
    *,
    tag: str,
    oci: bool = True,
    history: Sequence[str | dict] = (),
    labels: dict[str, str] | None = None,
    env: Sequence[str] = (),
) -> bytes:
    """A `docker save` archive of one image: the OCI-style layout of Docker 25+, or the older `<id>/layer.tar` one."""
    tars = [layer_tar(items) for items in layers]
    cfg = config(tars, history=history, labels=labels, env=env)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        names = []
        for data in tars:
            name = f"blobs/sha256/{digest(data)[7:]}" if oci else f"{digest(data)[7:]}/layer.tar"
            if name not in names:
                _add(archive, name, data)
            names.append(name)
        config_name = f"blobs/sha256/{digest(cfg)[7:]}" if oci else f"{digest(cfg)[7:]}.json"
        _add(archive, config_name, cfg)
        _add(
            archive, "manifest.json", json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": names}]).encode()
        )
    return out.getvalue()


def compress(data: bytes, compression: str) -> bytes:
    """A layer tar as a registry or an OCI layout may hold it: ``gzip``, ``zstd`` (needs zstandard) or ``none``."""
    if compression == "gzip":
        return gzip.compress(data, mtime=0)
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return data


LAYER_TYPES = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}
MANIFEST_TYPE, INDEX_TYPE = "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"


def descriptor(media_type: str, data: bytes, **extra: object) -> dict:
    return {"mediaType": media_type, "digest": digest(data), "size": len(data), **extra}


def oci_layout(
    layers: Sequence[Sequence[Item]],
    *,
    compression: str = "gzip",
    history: Sequence[str] = (),
    platforms: Sequence[tuple[str, str]] = (),
    declared: str = "",
) -> dict[str, bytes]:
    """An OCI image layout of one image, as files by path; with ``platforms``, an index of that image for each
    (every one the same layers), as a multi-platform build writes it; ``declared`` names another compression in
    the layers' media types than the one they have."""
    tars = [layer_tar(items) for items in layers]
    cfg = config(tars, history=history)
    blobs = [compress(tar, compression) for tar in tars]
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": descriptor("application/vnd.oci.image.config.v1+json", cfg),
            "layers": [descriptor(LAYER_TYPES[declared or compression], blob) for blob in blobs],
        }
    ).encode()
    files = {f"blobs/sha256/{digest(data)[7:]}": data for data in (*blobs, cfg, manifest)}
    top = [descriptor(MANIFEST_TYPE, manifest, annotations={"org.opencontainers.image.ref.name": "t:1"})]
    if platforms:
        nested = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": INDEX_TYPE,
                "manifests": [
                    descriptor(MANIFEST_TYPE, manifest, platform={"os": os_, "architecture": arch})
                    for os_, arch in platforms
                ],
            }
        ).encode()
        files[f"blobs/sha256/{digest(nested)[7:]}"] = nested
        top = [descriptor(INDEX_TYPE, nested)]
    files["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
    files["index.json"] = json.dumps({"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": top}).encode()
    return files


def platform_index(
    images: Mapping[str, Sequence[Sequence[Item]]], *, attestation: bool = False, left_out: Sequence[str] = ()
) -> dict[str, bytes]:
    """An OCI layout of a multi-platform image, as files by path, as ``docker buildx build --platform ... --output
    type=oci`` writes one: an image for each platform (``os/arch[/variant]``: its layers) in an index that
    ``index.json`` names; ``attestation`` adds BuildKit's provenance manifest (platform unknown/unknown); the
    platforms in ``left_out`` are listed but their manifests left out, as a copy of one platform keeps the index."""
    files: dict[str, bytes] = {}
    listed = []
    for number, (name, layers) in enumerate(images.items()):
        one = oci_layout(layers, history=[f"RUN build {name} {number}"])
        (top,) = json.loads(one["index.json"])["manifests"]
        os_, arch, *variant = name.split("/")
        platform = {"os": os_, "architecture": arch, **({"variant": variant[0]} if variant else {})}
        listed.append({**top, "annotations": {}, "platform": platform})
        if name not in left_out:
            files.update(one)
    if attestation:
        statement = b'{"_type": "https://in-toto.io/Statement/v0.1"}'
        empty = descriptor("application/vnd.oci.image.config.v1+json", b"{}")
        layer = descriptor("application/vnd.in-toto+json", statement)
        proof = json.dumps(
            {"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "config": empty, "layers": [layer]}
        ).encode()
        for data in (b"{}", statement, proof):
            files[f"blobs/sha256/{digest(data)[7:]}"] = data
        notes = {
            "vnd.docker.reference.type": "attestation-manifest",
            "vnd.docker.reference.digest": listed[0]["digest"],
        }
        listed.append(
            descriptor(MANIFEST_TYPE, proof, platform={"os": "unknown", "architecture": "unknown"}, annotations=notes)
        )
    index = json.dumps({"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": listed}).encode()
    files[f"blobs/sha256/{digest(index)[7:]}"] = index
    files["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [descriptor(INDEX_TYPE, index)]}).encode()
    return files


def tar_of(files: dict[str, bytes]) -> bytes:
    """A tar holding ``files`` (path: content)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in files.items():
            _add(archive, name, data)
    return out.getvalue()


def files_of(tar: bytes) -> dict[str, bytes]:
    """The regular files of a tar (path: content), as an extracted folder holds them."""
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}  # type: ignore[union-attr]


def figures(result, *, checksums: bool = False) -> tuple:
    """What must not depend on where an image's layers were read: sizes, both waste figures, layers, classes, files.

    Checksums only between sources that record the same kind (an engine's storage keeps CRC-64, tars give CRC-32).
    """
    return (
        result.size_bytes,
        result.wasted_bytes,
        result.reclaimable_bytes,
        result.efficiency,
        result.layers,
        result.classes,
        {path: (copy.size, copy.checksum if checksums else "") for path, copy in result.files.items()},
    )
