"""Hostile and broken images, made from nothing: one small function per class, registered in :data:`CASES`.

Each function writes one input under the folder it is given and returns the
argument ``python -m checks analyze`` gets (a path, or a word such as
``~nouser/x.tar``).  Its :class:`Case` says what the checker must do with it:
exit 2 naming what is wrong (``says``), or exit 0 when the input is an odd but
readable image.  ``tests/test_hostile.py`` runs the real command line on each,
under a time and memory limit (:func:`run`); ``python tests/hostile.py`` prints
each case's exit code, peak memory and time, for a report.

To add a class: write a function ``make(folder) -> argument`` and decorate it
with ``@case(code, says=...)``; the corpus test picks it up.

Secrets planted here are fake, in the shape the secret rules know
(:data:`FAKE_KEYS`), so a test can assert that no output shows them whole.
Inputs never point at real host files: the "host file" of the symlink cases
is :func:`host_file`, a marker file beside the input, whose content must never
appear in any output.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analyze_images import (
    Item,
    digest,
    directory,
    docker_archive,
    file,
    files_of,
    layer_tar,
    oci_layout,
    tar_of,
    whiteout,
    zeros,
)

ROOT = Path(__file__).resolve().parent.parent
#: Fake secrets, shaped as the secret rules match them (an AWS key id, a GitHub token); never real.
FAKE_KEYS = ("AKIAHOSTILE7Q2M4P9ZW", "ghp_" + "HostileFakeToken0123456789abcdefghij")
#: What the host file of the symlink cases holds: no output may show it.
MARKER = "slimlab-hostile-host-file-content-7f3a9c"
#: The limits a run of the checker gets: a hang or a header that makes it allocate what it claims shows here.
SECONDS, MEMORY = 60, 400 << 20
GOOD = [[directory("etc"), file("etc/conf", 100), directory("app"), file("app/main", 5000)]]


@dataclass(frozen=True, kw_only=True)
class Case:
    """One hostile input and what the checker must do with it."""

    id: str
    #: Writes the input under a folder; returns the argument to analyze.
    make: Callable[[Path], str]
    #: 2: refused as malformed, saying what is wrong; 0: read (an odd image, but an image).
    code: int
    #: A fragment the message must hold when the code is 2: which limit, or what is wrong.
    says: str = ""
    #: Environment for the run besides the usual (a strict terminal, say).
    env: Mapping[str, str] = field(default_factory=dict)
    #: Whether ``diff GOOD INPUT`` runs too (a few classes, one of each kind: every run costs half a second).
    diff: bool = False


#: Every class, in the order registered.
CASES: list[Case] = []


def case(code: int, says: str = "", **extra: object) -> Callable[[Callable[[Path], str]], Callable[[Path], str]]:
    """Register ``make`` as a class of hostile input (its id is the function's name, dashed)."""

    def register(make: Callable[[Path], str]) -> Callable[[Path], str]:
        CASES.append(Case(id=make.__name__.replace("_", "-"), make=make, code=code, says=says, **extra))  # type: ignore[arg-type]
        return make

    return register


# --- raw tar, written by hand so a header can lie --------------------------------------------------


def header(
    name: str | bytes,
    size: int = 0,
    typeflag: bytes = b"0",
    *,
    link: str | bytes = b"",
    size_field: bytes | None = None,
    extra: Mapping[int, bytes] | None = None,
) -> bytes:
    """One ustar header block with a correct checksum; ``size_field`` writes the size field as given."""
    raw = name.encode() if isinstance(name, str) else name
    target = link.encode() if isinstance(link, str) else link
    block = bytearray(512)
    block[0 : len(raw[:100])] = raw[:100]
    block[100:108] = b"0000644\0"
    block[108:116] = block[116:124] = b"0000000\0"
    block[124:136] = size_field if size_field is not None else f"{size:011o}\0".encode()
    block[136:148] = b"14535113000\0"
    block[156:157] = typeflag
    block[157 : 157 + len(target[:100])] = target[:100]
    block[257:265] = b"ustar\x0000"
    for at, value in (extra or {}).items():
        block[at : at + len(value)] = value
    block[148:156] = b" " * 8
    block[148:156] = f"{sum(block):06o}\0 ".encode()
    return bytes(block)


def padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % 512)


def member(name: str | bytes, data: bytes = b"", typeflag: bytes = b"0", **fields: object) -> bytes:
    """A header and its content, padded."""
    return header(name, len(data), typeflag, **fields) + padded(data)  # type: ignore[arg-type]


def pax(records: Mapping[str, str] | bytes) -> bytes:
    """A PAX extended header member: ``records`` as key: value, or the raw bytes of its data."""
    if isinstance(records, bytes):
        return member("PaxHeader", records, b"x")
    data = b""
    for key, value in records.items():
        body = f" {key}={value}\n".encode()
        length = len(body) + len(str(len(body)))
        length = len(body) + len(str(length))
        data += str(length).encode() + body
    return member("PaxHeader", data, b"x")


END = bytes(1024)


def archive_with_layer(layer: bytes, *, history: tuple[str, ...] = ()) -> bytes:
    """A docker save archive (Docker 25+ layout) of one image whose one layer is ``layer``, whatever its bytes."""
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": ["PATH=/usr/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [digest(layer)]},
            "history": [{"created_by": step} for step in history or ("COPY . /",)],
        }
    ).encode()
    name, config_name = f"blobs/sha256/{digest(layer)[7:]}", f"blobs/sha256/{digest(config)[7:]}"
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["hostile:1"], "Layers": [name]}]).encode()
    return tar_of({name: layer, config_name: config, "manifest.json": manifest})


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def layout_folder(folder: Path, files: Mapping[str, bytes]) -> Path:
    root = folder / "layout"
    for name, data in files.items():
        write(root, name, data)
    return root


def host_file(folder: Path) -> Path:
    """A file outside the input that stands for a host file (/etc/passwd): its content must never be shown."""
    path = folder / "host" / "private.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"root:x:0:0:{MARKER}:/root:/bin/sh\n")
    return path


def blob_names(files: Mapping[str, bytes]) -> tuple[str, str, list[str]]:
    """(the index's first manifest, its config, its layers) as blob paths of an OCI layout."""
    index = json.loads(files["index.json"])
    manifest = json.loads(files[f"blobs/sha256/{index['manifests'][0]['digest'][7:]}"])
    return (
        f"blobs/sha256/{index['manifests'][0]['digest'][7:]}",
        f"blobs/sha256/{manifest['config']['digest'][7:]}",
        [f"blobs/sha256/{d['digest'][7:]}" for d in manifest["layers"]],
    )


def with_manifest(files: dict[str, bytes], edit: Callable[[dict], object]) -> dict[str, bytes]:
    """The layout with its (only) manifest edited by ``edit`` and the index pointing at the new one."""
    name, _, _ = blob_names(files)
    manifest = json.loads(files.pop(name))
    edit(manifest)
    data = json.dumps(manifest).encode()
    files[f"blobs/sha256/{digest(data)[7:]}"] = data
    index = json.loads(files["index.json"])
    index["manifests"][0].update(digest=digest(data), size=len(data))
    files["index.json"] = json.dumps(index).encode()
    return files


def docker_files(edit: Callable[[list], object] | None = None) -> dict[str, bytes]:
    """A good docker save archive as files, its manifest.json edited by ``edit``."""
    files = files_of(docker_archive(GOOD, tag="t:1"))
    if edit is not None:
        manifest = json.loads(files["manifest.json"])
        files["manifest.json"] = json.dumps(edit(manifest)).encode()
    return files


# --- cut and wrong-shaped archives -------------------------------------------------------------------


@case(2, says="ended in the middle", diff=True)
def cut_mid_layer(folder: Path) -> str:
    whole = docker_archive([[file("app/big", 200_000)]], tag="t:1")
    return write(folder, "cut.tar", whole[:150_000])


@case(2, says="manifest.json: it ended in the middle")
def cut_mid_manifest(folder: Path) -> str:
    whole = tar_of({**docker_files(), "manifest.json": docker_files()["manifest.json"]})
    start = whole.rindex(b'[{"Config"')
    return write(folder, "cut.tar", whole[: start + 20])


@case(2, says="manifest.json is an object", diff=True)
def manifest_is_an_object(folder: Path) -> str:
    return write(folder, "object.tar", tar_of(docker_files(lambda m: m[0])))


@case(2, says="image 1 is a number")
def manifest_is_a_list_of_numbers(folder: Path) -> str:
    return write(folder, "numbers.tar", tar_of(docker_files(lambda m: [1, 2, 3])))


@case(2, says="has no 'Config'")
def manifest_without_config(folder: Path) -> str:
    return write(folder, "noconfig.tar", tar_of(docker_files(lambda m: [{"Layers": m[0]["Layers"]}])))


@case(2, says="the image config is a list")
def config_is_a_list(folder: Path) -> str:
    files = docker_files()
    name = json.loads(files["manifest.json"])[0]["Config"]
    files[name] = b"[]"
    return write(folder, "configlist.tar", tar_of(files))


@case(2, says="'history' is text")
def config_history_is_text(folder: Path) -> str:
    files = docker_files()
    name = json.loads(files["manifest.json"])[0]["Config"]
    config = json.loads(files[name])
    config["history"] = "RUN something"
    files[name] = json.dumps(config).encode()
    return write(folder, "history.tar", tar_of(files))


@case(2, says="not a tar header")
def layer_that_is_not_a_tar(folder: Path) -> str:
    text = f"aws_access_key_id={FAKE_KEYS[0]}\n".encode() * 40
    return write(folder, "text-layer.tar", archive_with_layer(text))


@case(2, says="cannot be decompressed (gzip)")
def layer_gzip_cut(folder: Path) -> str:
    packed = gzip.compress(layer_tar(GOOD[0]))
    files = docker_files()
    name = json.loads(files["manifest.json"])[0]["Layers"][0]
    files[name] = packed[: len(packed) // 2]
    return write(folder, "gzipcut.tar", tar_of(files))


@case(2, says="first bytes say zstd")
def layer_zstd_garbage(folder: Path) -> str:
    files = oci_layout(GOOD, compression="none")
    _, _, layers = blob_names(files)
    files[layers[0]] = b"\x28\xb5\x2f\xfd" + os.urandom(4000)
    return str(layout_folder(folder, files))


@case(2, says="holds neither an OCI image layout")
def archive_of_no_image(folder: Path) -> str:
    return write(folder, "empty.tar", tar_of({"README": b"nothing here"}))


# --- OCI layouts: wrong shapes, missing and linked blobs ----------------------------------------


@case(2, says="has no file blobs/sha256/")
def layout_missing_blob(folder: Path) -> str:
    files = oci_layout(GOOD, compression="gzip")
    _, _, layers = blob_names(files)
    del files[layers[0]]
    return str(layout_folder(folder, files))


@case(2, says="has no 'digest'")
def index_descriptor_without_digest(folder: Path) -> str:
    files = oci_layout(GOOD)
    index = json.loads(files["index.json"])
    del index["manifests"][0]["digest"]
    files["index.json"] = json.dumps(index).encode()
    return str(layout_folder(folder, files))


@case(2, says="index.json is a list")
def index_is_an_empty_list(folder: Path) -> str:
    files = oci_layout(GOOD)
    files["index.json"] = b"[]"
    return str(layout_folder(folder, files))


@case(2, says="nests its lists")
def index_nested_ten_thousand_deep(folder: Path) -> str:
    files = oci_layout(GOOD)
    files["index.json"] = b"[" * 10_000 + b"]" * 10_000
    return str(layout_folder(folder, files))


@case(2, says="limit of 4,194,304 on a JSON document")
def index_of_ten_gigabytes(folder: Path) -> str:
    root = layout_folder(folder, oci_layout(GOOD))
    with (root / "index.json").open("r+b") as handle:
        handle.truncate(10 << 30)  # sparse: a file that claims 10 GB and holds nothing
    return str(root)


@case(2, says="'layers' is an object")
def manifest_layers_is_an_object(folder: Path) -> str:
    files = with_manifest(oci_layout(GOOD), lambda m: m.update(layers={"a": 1}))
    return str(layout_folder(folder, files))


@case(2, says="media type 'application/vnd.example.chart.v1+json'")
def unknown_manifest_media_type(folder: Path) -> str:
    files = with_manifest(oci_layout(GOOD), lambda m: m.update(mediaType="application/vnd.example.chart.v1+json"))
    return str(layout_folder(folder, files))


def layout_replacing(folder: Path, which: Callable[[dict[str, bytes]], str], put: Callable[[Path], object]) -> str:
    """An OCI layout folder whose blob ``which`` names is replaced by what ``put`` makes at its path."""
    files = oci_layout(GOOD, compression="none")
    root = layout_folder(folder, files)
    path = root / which(files)
    path.unlink()
    put(path)
    return str(root)


def first_layer(files: dict[str, bytes]) -> str:
    return blob_names(files)[2][0]


@case(2, says="symbolic link to /dev/zero, outside")
def layout_blob_linked_to_dev_zero(folder: Path) -> str:
    return layout_replacing(folder, first_layer, lambda path: path.symlink_to("/dev/zero"))


@case(2, says="outside the archive or layout", diff=True)
def layout_blob_linked_to_a_host_file(folder: Path) -> str:
    host = host_file(folder)
    return layout_replacing(folder, lambda files: blob_names(files)[1], lambda path: path.symlink_to(host))


@case(2, says="symbolic link to ../host/private.txt, outside")
def layout_index_linked_out_by_dot_dot(folder: Path) -> str:
    host_file(folder)
    return layout_replacing(folder, lambda files: "index.json", lambda path: path.symlink_to("../host/private.txt"))


@case(2, says="is a FIFO, not a file")
def layout_blob_that_is_a_fifo(folder: Path) -> str:
    return layout_replacing(folder, first_layer, os.mkfifo)


@case(2, says="outside the archive or layout")
def archive_member_linked_to_a_host_file(folder: Path) -> str:
    files = docker_files()
    name = json.loads(files["manifest.json"])[0]["Config"]
    config = files.pop(name)
    del config
    data = b"".join(member(path, content) for path, content in files.items())
    data += member(name, typeflag=b"2", link=str(host_file(folder)))
    return write(folder, "hostlink.tar", data + END)


@case(2, says="past 40 links")
def archive_links_in_a_loop(folder: Path) -> str:
    files = docker_files()
    name = json.loads(files["manifest.json"])[0]["Config"]
    del files[name]
    data = b"".join(member(path, content) for path, content in files.items())
    data += member(name, typeflag=b"2", link="loop") + member("blobs/sha256/loop", typeflag=b"2", link=name[13:])
    return write(folder, "loop.tar", data + END)


# --- inputs that are not files -----------------------------------------------------------------------


@case(2, says="is a FIFO, not a file or folder")
def fifo_as_input(folder: Path) -> str:
    path = folder / "image.tar"
    os.mkfifo(path)
    return str(path)


@case(2, says="is a character device")
def device_as_input(folder: Path) -> str:
    return "/dev/zero"


@case(2, says="a user 'nouser-slimlab-hostile' this machine does not know")
def home_of_an_unknown_user(folder: Path) -> str:
    return "~nouser-slimlab-hostile/x.tar"


# --- tar headers that lie --------------------------------------------------------------------------


def outer_bomb(claim: int, typeflag: bytes, *, size_field: bytes | None = None) -> bytes:
    """A docker save archive that starts with a metadata record claiming ``claim`` bytes and holds 1 MB."""
    return header("././@LongLink", claim, typeflag, size_field=size_field) + b"a" * (1 << 20)


@case(2, says="limit of 4,096 on a path's length", diff=True)
def gnu_long_name_of_a_gigabyte(folder: Path) -> str:
    return write(folder, "longname.tar", outer_bomb(1 << 30, b"L"))


@case(2, says="68,719,476,735 bytes, over slimlab's limit of 4,096")
def gnu_long_name_of_64_gigabytes(folder: Path) -> str:
    claim = 64 << 30
    return write(folder, "longname64.tar", outer_bomb(claim, b"L", size_field=b"\x80" + claim.to_bytes(11, "big")))


@case(2, says="a GNU long link: 1,073,741,823 bytes")
def gnu_long_link_of_a_gigabyte_in_a_layer(folder: Path) -> str:
    layer = header("././@LongLink", 1 << 30, b"K") + b"b" * (1 << 20)
    return write(folder, "longlink.tar", archive_with_layer(layer))


@case(2, says="limit of 1,048,576 on a PAX header")
def pax_header_of_a_gigabyte(folder: Path) -> str:
    return write(folder, "bigpax.tar", header("PaxHeader", 1 << 30, b"x") + b"9" * (1 << 20))


@case(2, says="PAX record's length is not a number")
def pax_record_with_a_bad_length(folder: Path) -> str:
    layer = pax(b"zz path=etc/x\n") + member("etc/x", b"x") + END
    return write(folder, "paxlen.tar", archive_with_layer(layer))


@case(2, says="PAX record has no length")
def pax_record_without_a_space(folder: Path) -> str:
    layer = pax(b"14path=etc/x\n") + member("etc/x", b"x") + END
    return write(folder, "paxspace.tar", archive_with_layer(layer))


@case(2, says="'-4096' is not a number of 0 or more")
def pax_negative_size(folder: Path) -> str:
    layer = pax({"size": "-4096"}) + member("etc/x", b"x") + END
    return write(folder, "paxneg.tar", archive_with_layer(layer))


@case(2, says="size field is not a number")
def header_size_that_is_not_a_number(folder: Path) -> str:
    layer = header("etc/x", size_field=b"AKIAHOSTILE\0") + padded(b"x") + END
    return write(folder, "sizefield.tar", archive_with_layer(layer))


@case(2, says="limit of 1,000 on a sparse file's map")
def gnu_sparse_map_without_end(folder: Path) -> str:
    extended = bytearray(512)
    extended[504] = 1  # "another sparse block follows", forever
    layer = header("etc/sparse", 0, b"S", extra={482: b"\x01"}) + bytes(extended) * 20_000 + END
    return write(folder, "sparse.tar", archive_with_layer(layer))


@case(0)
def gnu_sparse_file_that_is_well_formed(folder: Path) -> str:
    layer = header("etc/sparse", 512, b"S", extra={386: b"00000000000\0", 398: b"00000001000\0"})
    layer += padded(b"s" * 512) + member("etc/after", b"after") + END
    return write(folder, "sparse-ok.tar", archive_with_layer(layer))


DEPTH_OVER = 1200


@case(2, says="limit of 512 on a path's depth")
def path_twelve_hundred_levels_deep(folder: Path) -> str:
    deep = "/".join(["d"] * DEPTH_OVER) + "/f"
    layer = pax({"path": deep}) + member("f", b"deep") + END
    return write(folder, "deep.tar", archive_with_layer(layer))


@case(2, says="names nothing to delete", diff=True)
def whiteout_of_the_layer_root(folder: Path) -> str:
    return write(folder, "rootwh.tar", docker_archive([GOOD[0], [Item(".wh.")]], tag="t:1"))


@case(0)
def whiteouts_of_nothing(folder: Path) -> str:
    # a written as 50 bytes, then as 0 beside a whiteout of nothing that dive counts as -1: dive says -2%
    layers = [[file("a", 50)], [zeros("a", 0), directory("z"), whiteout("z/nothing")]]
    return write(folder, "oddwh.tar", docker_archive(layers, tag="t:1"))


@case(0, says="/caf\\xe9", env={"PYTHONIOENCODING": "utf-8:strict", "LANG": "C", "LC_ALL": "C"}, diff=True)
def file_names_that_are_not_utf8(folder: Path) -> str:
    layer = member(b"caf\xe9/big", b"x" * 3000) + member(b"etc/\xff\xfe.conf", b"y" * 2000) + END
    return write(folder, "latin1.tar", archive_with_layer(layer))


# --- decompression bombs, entry floods ------------------------------------------------------------


@case(0)
def gzip_bomb_of_half_a_gigabyte(folder: Path) -> str:
    """A layer of one 512 MiB file of zeros, gzip-compressed to half a megabyte: memory must stay flat."""
    layer = header("zeros", 512 << 20) + bytes(512 << 20) + END
    files = files_of(docker_archive(GOOD, tag="t:1"))
    manifest = json.loads(files["manifest.json"])
    config_name = manifest[0]["Config"]
    config = json.loads(files[config_name])
    config["rootfs"]["diff_ids"] = [digest(layer)]
    files = {"blob": gzip.compress(layer, compresslevel=1), "config.json": json.dumps(config).encode()}
    files["manifest.json"] = json.dumps([{"Config": "config.json", "Layers": ["blob"]}]).encode()
    return write(folder, "gzbomb.tar", tar_of(files))


@case(0)
def zstd_bomb_of_a_gigabyte(folder: Path) -> str:
    """An OCI layout whose layer is one 1 GiB file of zeros, zstd-compressed to a few kilobytes."""
    import zstandard

    size = 1 << 30
    out = io.BytesIO()
    with zstandard.ZstdCompressor(level=1).stream_writer(out, closefd=False) as packer:
        packer.write(header("zeros", size))
        chunk = bytes(1 << 24)
        for _ in range(size // len(chunk)):
            packer.write(chunk)
        packer.write(END)
    return str(layout_folder(folder, oci_layout_of_blob(out.getvalue(), size)))


def oci_layout_of_blob(blob: bytes, size: int) -> dict[str, bytes]:
    """An OCI layout whose one layer is the zstd ``blob`` of a tar of one ``size``-byte file of zeros."""
    import hashlib

    plain = hashlib.sha256(header("zeros", size))
    chunk = bytes(1 << 24)
    for _ in range(size // len(chunk)):
        plain.update(chunk)
    plain.update(END)
    files = oci_layout(GOOD, compression="zstd")
    _, config_name, layers = blob_names(files)
    config = json.loads(files.pop(config_name))
    config["rootfs"]["diff_ids"] = ["sha256:" + plain.hexdigest()]
    config_data = json.dumps(config).encode()
    del files[layers[0]]
    files[f"blobs/sha256/{digest(blob)[7:]}"] = blob
    files[f"blobs/sha256/{digest(config_data)[7:]}"] = config_data

    def edit(manifest: dict) -> None:
        manifest["config"].update(digest=digest(config_data), size=len(config_data))
        manifest["layers"][0].update(digest=digest(blob), size=len(blob))

    return with_manifest(files, edit)


@case(2, says="limit of 100,000 on the files")
def archive_of_a_hundred_thousand_files(folder: Path) -> str:
    """An archive of 100,001 empty files, gzip-compressed to a few hundred kilobytes: the limit on its files.

    (The limit on an image's entries, half a million, takes a minute to reach here; the unit tests of
    :func:`checks.inspect.tar.walk` show it with a smaller room.)"""
    flood = b"".join(header(f"f{number}") for number in range(100_001)) + END
    return write(folder, "flood.tar.gz", gzip.compress(flood, compresslevel=1))


def archive_with_layer_blob(blob: bytes, layer: bytes) -> bytes:
    """A docker save archive whose one layer is stored as ``blob`` (compressed) and unpacks to ``layer``."""
    whole = files_of(archive_with_layer(layer))
    manifest = json.loads(whole["manifest.json"])
    del whole[manifest[0]["Layers"][0]]
    whole["layer.tar.gz"] = blob
    manifest[0]["Layers"] = ["layer.tar.gz"]
    whole["manifest.json"] = json.dumps(manifest).encode()
    return tar_of(whole)


@case(2, says="Say which with --platform", diff=True)
def index_of_two_platforms(folder: Path) -> str:
    files = oci_layout(GOOD, platforms=[("linux", "arm64"), ("linux", "amd64")])
    return str(layout_folder(folder, files))


# --- readable images ---------------------------------------------------------------------------------


@case(0, says="aws-access-key", diff=True)
def fake_keys_in_a_layer_and_the_history(folder: Path) -> str:
    aws, github = FAKE_KEYS
    layers = [
        [directory("root"), file("root/.aws-config", f"aws_access_key_id={aws}\n".encode())],
        [file("app/token", f"GITHUB_TOKEN={github}\n".encode())],
    ]
    history = [f"RUN printf 'aws_access_key_id={aws}' > /root/.aws-config", f"RUN |1 TOKEN={github} /bin/sh -c make"]
    return write(folder, "keys.tar", docker_archive(layers, tag="t:1", history=history))


# --- running the checker on a case -------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """One run of the checker: what it printed, its exit code, its peak memory and its time."""

    code: int
    stdout: str
    stderr: str
    #: Peak resident memory of the process, in bytes.
    peak: int
    seconds: float
    timed_out: bool


def _limited(memory: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return limit


def run(*args: str, env: Mapping[str, str] | None = None, seconds: float = SECONDS, memory: int = MEMORY) -> Ran:
    """``python -m checks ARGS`` with no engine, at most ``seconds`` of wall time and ``memory`` of address space."""
    environment = {
        **os.environ,
        "DOCKER_HOST": "unix:///nonexistent/slimlab-hostile.sock",
        "SLIMLAB_PULL_MEASURE": "0",
        "LANGUAGE": "en",
        **(env or {}),
    }
    start = time.monotonic()
    with Path(os.devnull).open("rb") as stdin, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "checks", *args],
            cwd=ROOT,
            stdin=stdin,
            stdout=out,
            stderr=err,
            env=environment,
            preexec_fn=_limited(memory),  # noqa: PLW1509 (no threads of ours are running while it forks)
        )
        timer = threading.Timer(seconds, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Ran(
            code=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            peak=usage.ru_maxrss * 1024,
            seconds=elapsed,
            timed_out=elapsed >= seconds,
        )


def report(folder: Path, memory: int = MEMORY) -> None:
    """Print each case's input, exit code, peak memory and time (``python tests/hostile.py [FOLDER]``)."""
    print(f"{'case':<44} {'exit':>4} {'peak MB':>8} {'s':>6}  what it said")
    for item in CASES:
        where = folder / item.id
        where.mkdir(parents=True, exist_ok=True)
        argument = item.make(where)
        ran = run("analyze", argument, env=item.env, memory=memory)
        said = (ran.stderr.strip().splitlines() or [""])[-1 if ran.code != 2 else 0][:110]
        note = " TIMED OUT" if ran.timed_out else ""
        print(f"{item.id:<44} {ran.code:>4} {ran.peak / 1e6:>8.0f} {ran.seconds:>6.1f}  {said}{note}", flush=True)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="slimlab-hostile-") as scratch:
        report(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(scratch), memory=int(os.environ.get("MEMORY", MEMORY)))
