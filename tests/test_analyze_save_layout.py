"""checks.inspect.archive: a `docker save` stream with only an OCI image layout, as the containerd store writes one.

Engine 26.1 on the containerd image store writes an OCI layout and a
manifest.json; an engine that writes the layout alone is read through
``index.json`` (its digests checked, its limits kept), and gives what the
same image's manifest.json gives.  Whatever in the layout is wrong is a
MalformedError naming the archive, so the command line exits 2.
"""

from __future__ import annotations

import contextlib
import io
import json
import tarfile

import pytest
from analyze_images import INDEX_TYPE, digest, directory, docker_archive, file, oci_layout, opaque, tar_of, whiteout

from checks import cli
from checks.engine import layer_source
from checks.inspect.archive import read_archive
from checks.inspect.limits import INDEXES
from checks.inspect.secrets import scan_content
from checks.model.errors import MalformedError, UsageError

TOKEN = "gh" + "p_" + "0123456789abcdefghijklmnopqrstuvwxyz"
LAYERS = [
    [directory("etc"), file("etc/conf", 1000), file("etc/credentials", f"token={TOKEN}\n".encode())],
    [directory("etc"), whiteout("etc/credentials"), file("etc/conf", 1200), directory("opq"), opaque("opq")],
]


def shapes(layers) -> list:
    return [[(e.path, e.size, e.type, e.link) for e in layer] for layer in layers]


def layout(**options) -> dict[str, bytes]:
    return oci_layout(LAYERS, history=["A", "B"], **options)


def blob(files: dict[str, bytes], media_type: str) -> str:
    """The path of the one blob whose JSON has ``media_type``."""
    (name,) = [
        name
        for name, data in files.items()
        if name.startswith("blobs/") and data[:1] == b"{" and json.loads(data).get("mediaType") == media_type
    ]
    return name


def rewritten(files: dict[str, bytes], name: str, document: dict) -> dict[str, bytes]:
    """``files`` with ``name`` replaced by ``document`` (so its digest no longer matches what names it)."""
    return {**files, name: json.dumps(document).encode()}


@pytest.mark.parametrize("compression", ["none", "gzip"])
def test_a_save_stream_with_only_an_oci_layout_gives_the_layers_and_config_its_manifest_json_would(compression):
    manifest, cfg, layers, found = read_archive(io.BytesIO(tar_of(layout(compression=compression))), scan_content)
    _, same_cfg, same_layers, same_found = read_archive(
        io.BytesIO(docker_archive(LAYERS, tag="t:1", history=["A", "B"])), scan_content
    )
    assert shapes(layers) == shapes(same_layers)
    assert cfg == same_cfg
    assert [[m.rule for m in layer] for layer in found] == [[m.rule for m in layer] for layer in same_found]
    assert [m.rule for m in found[0]] == ["github-token"]
    assert len(manifest["layers"]) == 2


def test_an_index_of_several_platforms_in_a_save_stream_is_followed_to_the_engine_s_linux_amd64():
    files = layout(compression="none", platforms=[("linux", "arm64"), ("linux", "amd64")])
    _, cfg, layers, _ = read_archive(io.BytesIO(tar_of(files)))
    assert shapes(layers)[1][-1][0] == "opq/.wh..wh..opq"
    assert [step["created_by"] for step in cfg["history"]][:2] == ["A", "B"]


def test_manifest_json_is_read_first_when_the_archive_has_both():
    files = {**layout(compression="none"), "index.json": b"not json"}
    plain = docker_archive(LAYERS, tag="t:1")
    with_both = tar_of({**files, **dict(_members(plain))})
    manifest, _, layers, _ = read_archive(io.BytesIO(with_both))
    assert manifest["RepoTags"] == ["t:1"]
    assert len(layers) == 2


def _members(tar: bytes):
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        for member in archive:
            if member.isfile():
                yield member.name, archive.extractfile(member).read()  # type: ignore[union-attr]


def _index_json(files: dict[str, bytes]) -> dict:
    return json.loads(files["index.json"])


def _wrong_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    name = blob(files, "application/vnd.oci.image.manifest.v1+json")
    return rewritten(files, name, {**json.loads(files[name]), "annotations": {"x": "y"}})


def _one_layer_less(files: dict[str, bytes]) -> dict[str, bytes]:
    name = blob(files, "application/vnd.oci.image.manifest.v1+json")
    document = json.loads(files[name])
    document["layers"] = document["layers"][:1]
    data = json.dumps(document).encode()
    index = _index_json(files)
    index["manifests"][0] |= {"digest": digest(data), "size": len(data)}
    return {**files, f"blobs/sha256/{digest(data)[7:]}": data, "index.json": json.dumps(index).encode()}


def _missing_layer(files: dict[str, bytes]) -> dict[str, bytes]:
    name = blob(files, "application/vnd.oci.image.manifest.v1+json")
    first = json.loads(files[name])["layers"][0]["digest"]
    return {key: value for key, value in files.items() if key != f"blobs/sha256/{first[7:]}"}


def _wrong_config(files: dict[str, bytes]) -> dict[str, bytes]:
    name = blob(files, "application/vnd.oci.image.manifest.v1+json")
    config = json.loads(files[name])["config"]["digest"]
    return {**files, f"blobs/sha256/{config[7:]}": b'{"rootfs": {"diff_ids": []}}'}


def _endless_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """An index that names an index that names an index ..., one level past the limit."""
    inner = files["index.json"]
    for _ in range(INDEXES.most):
        files = {**files, f"blobs/sha256/{digest(inner)[7:]}": inner}
        inner = json.dumps(
            {"mediaType": INDEX_TYPE, "manifests": [{"mediaType": INDEX_TYPE, "digest": digest(inner)}]}
        ).encode()
    return {**files, "index.json": inner}


MALFORMED = {
    "index-not-json": (lambda files: {**files, "index.json": b"{not json"}, "index.json is not JSON"),
    "index-neither-index-nor-manifest": (
        lambda files: rewritten(files, "index.json", {"schemaVersion": 2}),
        "index.json has no 'layers'",
    ),
    "manifest-not-its-digest": (_wrong_manifest, "does not have the digest its index names"),
    "config-not-its-digest": (_wrong_config, "does not have the digest its index names"),
    "fewer-layers-than-the-config": (_one_layer_less, "lists 2 layers .* but its manifest 1"),
    "layer-missing": (_missing_layer, "names the layer blobs/sha256/.*, which it does not hold as a tar"),
    "indexes-nested-past-the-limit": (_endless_index, "indexes nest more than"),
    "digest-not-sha256": (
        lambda files: rewritten(
            files, "index.json", {"manifests": [{"mediaType": INDEX_TYPE, "digest": "md5:" + "0" * 32}]}
        ),
        "sha256 digests only",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_save_stream_whose_oci_layout_is_wrong_is_malformed_naming_the_archive(name):
    spoil, says = MALFORMED[name]
    with pytest.raises(MalformedError, match=says) as raised:
        read_archive(io.BytesIO(tar_of(spoil(layout(compression="none")))))
    assert "the docker save archive" in str(raised.value)


def test_a_save_stream_with_neither_manifest_json_nor_an_oci_layout_says_so():
    files = {key: value for key, value in layout().items() if key != "oci-layout"}
    with pytest.raises(UsageError, match=r"neither a manifest\.json nor an OCI image layout"):
        read_archive(io.BytesIO(tar_of(files)))


def test_a_save_stream_whose_layout_is_wrong_makes_analyze_exit_2(monkeypatch, capsys):
    stream = tar_of(_wrong_manifest(layout(compression="none")))
    monkeypatch.setattr(layer_source.images, "inspect_image", lambda ref: {"Id": "sha256:" + "a" * 64})
    monkeypatch.setattr(layer_source.docker, "storage", lambda: None)  # the containerd image store
    monkeypatch.setattr(layer_source.transfer, "save", lambda ref: contextlib.nullcontext(io.BytesIO(stream)))
    assert cli.main(["analyze", "slimlab/test-ctr-nowhere:1"]) == 2
    assert "does not have the digest its index names" in capsys.readouterr().err
