"""Fuzzing the archive reader: mutated tar headers, and manifests and indexes of any JSON shape.

Whatever Hypothesis makes, reading it must return an analysis or raise a
UsageError (MalformedError for input that is not what it should be; plain
UsageError for the two well-formed inputs slimlab declines: an archive of no
image, and one of several), never anything else: anything else is exit 3.
Bounded and repeatable: a fixed number of examples, derandomized, no example
database, so it takes a few seconds in ``make unit`` and fails the same way twice.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Mapping
from typing import IO

from analyze_images import digest, directory, docker_archive, file, files_of, hardlink, layer_tar, oci_layout, symlink
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.inspect.analyze import analysis_of
from checks.inspect.layout import contents
from checks.inspect.layoutfiles import TarStore
from checks.inspect.secrets import scan_content
from checks.model.errors import MalformedError, UsageError

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LONG = "usr/share/" + "n" * 120 + "/file"  # needs a PAX path record
LAYER = layer_tar(
    [
        directory("etc"),
        file("etc/conf", b"password=hunter2\n"),
        file(LONG, 700),
        symlink("etc/link", "conf"),
        hardlink("etc/hard", "etc/conf"),
        file("etc/.wh.old", b""),
    ]
)
#: Each header block's offset in LAYER.
HEADERS = [at for at in range(0, len(LAYER) - 1024, 512) if LAYER[at + 257 : at + 262] == b"ustar"]
#: (offset, length) of every field of a ustar header.
FIELDS = [(0, 100), (100, 8), (108, 8), (116, 8), (124, 12), (136, 12), (148, 8), (156, 1), (157, 100), (257, 8)]
FIELDS += [(345, 155), (482, 1)]


class Files:
    """An archive or layout in memory, as the reader's stores give it."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files

    def has(self, name: str) -> bool:
        return name in self.files

    def open(self, name: str) -> IO[bytes]:
        if name not in self.files:
            raise MalformedError(f"no {name}")
        return io.BytesIO(self.files[name])


def read_or_refuse(read: Callable[[], object]) -> None:
    """The property: a result, or a UsageError; nothing else."""
    with contextlib.suppress(UsageError):
        read()


def values(length: int) -> st.SearchStrategy[bytes]:
    """What a field may be made to hold: noise, numbers of every size and sign, NULs, high bytes."""
    numbers = st.integers(min_value=-(1 << 70), max_value=1 << 70)
    return st.one_of(
        st.binary(min_size=length, max_size=length),
        numbers.map(lambda n: f"{n:0{max(length - 1, 1)}o}".encode()[:length] if n >= 0 else str(n).encode()[:length]),
        numbers.map(lambda n: (b"\x80" if n >= 0 else b"\xff") + abs(n).to_bytes(16, "big")[-(length - 1) :]),
        st.sampled_from([b"", b"\0" * length, b" " * length, b"\xff" * length, b"L", b"K", b"x", b"g", b"S", b"2"]),
    )


@st.composite
def mutated_layers(draw: st.DrawFn) -> bytes:
    data = bytearray(LAYER)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.sampled_from(HEADERS))
        start, length = draw(st.sampled_from(FIELDS))
        value = draw(values(length))[:length]
        data[at + start : at + start + len(value)] = value
        if draw(st.booleans()):  # a right checksum, so the mutation reaches the rules past it
            block = data[at : at + 512]
            block[148:156] = b" " * 8
            data[at + 148 : at + 156] = f"{sum(block):06o}\0 ".encode()
    if draw(st.booleans()):
        del data[draw(st.integers(0, len(data))) :]
    return bytes(data)


def archive_of(layer: bytes) -> Files:
    """A docker save archive of one image whose layer is ``layer``, its diff id right whatever the layer holds."""
    files = files_of(docker_archive([[file("x", 1)]], tag="t:1"))
    manifest = json.loads(files["manifest.json"])
    config = json.loads(files[manifest[0]["Config"]])
    config["rootfs"]["diff_ids"] = [digest(layer)]
    files = {"layer.tar": layer, "config.json": json.dumps(config).encode()}
    files["manifest.json"] = json.dumps([{"Config": "config.json", "Layers": ["layer.tar"]}]).encode()
    return Files(files)


@FUZZ
@given(mutated_layers())
def test_a_layer_with_mutated_headers_is_read_or_refused_as_malformed(layer):
    read_or_refuse(lambda: analysis_of(contents(archive_of(layer), "fuzz", scan=scan_content)))


@FUZZ
@given(mutated_layers())
def test_a_tar_whose_headers_are_mutated_is_indexed_or_refused_as_malformed(data):
    read_or_refuse(lambda: TarStore(io.BytesIO(data)))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(1 << 64), 1 << 64) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["Config", "Layers", "RepoTags", "manifests", "digest", "mediaType", "platform", "layers"])


def shaped(original: object) -> st.SearchStrategy[object]:
    """A document like ``original`` with parts replaced by JSON of any shape, or JSON of any shape."""
    like = JSON | st.dictionaries(KEYS, JSON, max_size=5) | st.lists(st.dictionaries(KEYS, JSON, max_size=4))

    @st.composite
    def edit(draw: st.DrawFn) -> object:
        document = json.loads(json.dumps(original))
        target = document[0] if isinstance(document, list) else document
        for _ in range(draw(st.integers(1, 3))):
            target[draw(KEYS)] = draw(like)
        return document

    return like | edit()


DOCKER = files_of(docker_archive([[file("etc/conf", 10)]], tag="t:1"))
OCI = oci_layout([[file("etc/conf", 10)]], platforms=[("linux", "arm64"), ("linux", "amd64")])


@FUZZ
@given(shaped(json.loads(DOCKER["manifest.json"])))
def test_a_docker_manifest_of_any_shape_is_read_or_refused(manifest):
    files = {**DOCKER, "manifest.json": json.dumps(manifest).encode()}
    read_or_refuse(lambda: analysis_of(contents(Files(files), "fuzz")))


@FUZZ
@given(shaped(json.loads(OCI["index.json"])), st.booleans())
def test_an_oci_index_or_manifest_of_any_shape_is_read_or_refused(document, nested):
    files = dict(OCI)
    if nested:  # the index the top one names, or the manifest: whichever has a media type of an index
        name = f"blobs/sha256/{json.loads(OCI['index.json'])['manifests'][0]['digest'][7:]}"
        data = json.dumps(document).encode()
        files[f"blobs/sha256/{digest(data)[7:]}"] = data
        files["index.json"] = json.dumps({"manifests": [{"digest": digest(data), "mediaType": "x"}]}).encode()
        del files[name]
    else:
        files["index.json"] = json.dumps(document).encode()
    read_or_refuse(lambda: analysis_of(contents(Files(files), "fuzz")))
