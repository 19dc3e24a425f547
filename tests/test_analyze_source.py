"""checks.engine.layer_source: the engine's tar-split records and `docker save` archives give the same entries."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from analyze_images import (
    config,
    digest,
    directory,
    docker_archive,
    file,
    hardlink,
    layer_tar,
    oci_layout,
    opaque,
    symlink,
    tar_split,
    whiteout,
)

from checks.engine import layer_source, unpacked
from checks.engine.layer_source import config_history, from_storage
from checks.engine.unpacked import unpacked_files
from checks.inspect import archive
from checks.inspect.archive import chain_ids, entries_from_tar_split, layer_entries, read_archive
from checks.inspect.secrets import scan_content
from checks.inspect.tar import Prefetch, Reader
from checks.model.errors import UsageError

LONG = "usr/lib/python3/dist-packages/" + "very-long-package-name/" * 5 + "module.py"
LAYER = [
    directory("usr"),
    directory("usr/bin"),
    file("usr/bin/tool", 3000),
    hardlink("usr/bin/tool2", "usr/bin/tool"),
    symlink("usr/bin/sh", "tool"),
    file(LONG, 10),
    hardlink("usr/bin/long-link", LONG),
    whiteout("etc/old"),
    opaque("var/cache"),
    file("empty", 0),
]


def shape(entries):
    return [(e.path, e.size, e.type, e.link) for e in entries]


def test_a_layer_tar_lists_every_entry_in_order_with_sizes_types_and_link_targets():
    entries = layer_entries(Reader(io.BytesIO(layer_tar(LAYER))))
    assert shape(entries) == [
        ("usr", 0, "5", ""),
        ("usr/bin", 0, "5", ""),
        ("usr/bin/tool", 3000, "0", ""),
        ("usr/bin/tool2", 0, "1", "usr/bin/tool"),
        ("usr/bin/sh", 0, "2", ""),
        (LONG, 10, "0", ""),
        ("usr/bin/long-link", 0, "1", LONG),
        ("etc/.wh.old", 0, "0", ""),
        ("var/cache/.wh..wh..opq", 0, "0", ""),
        ("empty", 0, "0", ""),
    ]
    assert entries[2].checksum.startswith("crc32:")
    assert entries[0].checksum == ""


def test_tar_split_records_give_the_same_entries_as_the_tar_they_describe():
    tar = layer_tar(LAYER)
    assert shape(entries_from_tar_split(tar_split(tar))) == shape(layer_entries(Reader(io.BytesIO(tar))))


#: Names the engine's JSON writes with escapes (a quote, a backslash, a line break, ``<``, U+2028) or as UTF-8.
ODD_NAMES = [
    file('say "hi"', 3),
    file("back\\slash", 4),
    file("line\nbreak", 5),
    file("a<b", 6),
    file("para\u2028graph", 7),
]
ODD_NAMES += [file("caf\u00e9/\u4e2d\u6587", 8), hardlink("link\u2029", "a<b"), directory("d\u0085d")]


def _respelled(records: str, **spelling) -> str:
    """The same records in another JSON spelling (spaces, every non-ASCII character escaped, keys reordered)."""
    lines = [json.loads(line) for line in records.split("\n") if line]
    return "".join(json.dumps(dict(reversed(line.items())), **spelling) + "\n" for line in lines)


@pytest.mark.parametrize("stamped", [False, True])
@pytest.mark.parametrize("layer", [LAYER, ODD_NAMES], ids=["plain-names", "escaped-names"])
def test_tar_split_records_read_the_same_however_the_json_spells_them(layer, stamped):
    records = tar_split(layer_tar(layer))
    entries = entries_from_tar_split(records, stamped=stamped)
    assert shape(entries) == shape(layer_entries(Reader(io.BytesIO(layer_tar(layer)))))
    assert entries_from_tar_split(_respelled(records), stamped=stamped) == entries
    assert entries_from_tar_split(_respelled(records, indent=None, separators=(", ", ": ")), stamped=stamped) == entries


def test_the_engine_s_own_spelling_of_tar_split_records_is_read_without_the_json_parser(monkeypatch):
    records = tar_split(layer_tar(LAYER))
    expected = entries_from_tar_split(records)

    def parser(text):
        raise AssertionError("the JSON parser read records the engine spells plainly")

    monkeypatch.setattr(archive, "_json_records", parser)
    assert entries_from_tar_split(records) == expected


@pytest.mark.parametrize(
    "spelled",
    [
        '{"type":1,"name":"a","size":012,"payload":null,"position":1}',
        '{"type":2,"payload":"QUJDR","position":0}',
        '{"type":2,"payload":","position":0}',
        '{"type":1,"name":"a","payload":null,"position":01}',
    ],
    ids=["size-with-a-leading-zero", "bad-base64", "payload-cut-at-its-quote", "position-with-a-leading-zero"],
)
def test_tar_split_records_json_does_not_accept_are_refused_as_before(spelled):
    with pytest.raises(ValueError, match=r"Expecting|base64"):  # JSON's errors, and base64's
        entries_from_tar_split(spelled + "\n")


def test_tar_split_entries_carry_the_recorded_checksum():
    entries = entries_from_tar_split(tar_split(layer_tar([file("a", 10), directory("d")])))
    assert entries[0].checksum.startswith("crc64:")
    assert entries[1].checksum == ""


@pytest.mark.parametrize("oci", [True, False], ids=["docker-25-layout", "older-layout"])
def test_a_docker_save_archive_gives_each_layer_in_manifest_order_and_the_config(oci):
    layers = [[file("a", 5)], [whiteout("a"), file("b", 7)], [file("a", 5)]]
    manifest, cfg, found, _ = read_archive(
        io.BytesIO(docker_archive(layers, tag="t:1", oci=oci, history=["A", "B", "C"]))
    )
    assert [shape(layer) for layer in found] == [
        [("a", 5, "0", "")],
        [(".wh.a", 0, "0", ""), ("b", 7, "0", "")],
        [("a", 5, "0", "")],
    ]
    assert [step["created_by"] for step in cfg["history"]][:3] == ["A", "B", "C"]
    assert manifest["RepoTags"] == ["t:1"]


def _archive(members: list[tuple[str, bytes | str]]) -> bytes:
    """A tar of (name, content) members; str content makes a symlink."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if isinstance(content, str):
                info.type, info.linkname = tarfile.SYMTYPE, content
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def test_an_older_archive_may_link_a_repeated_layer_to_the_first_copy_and_layers_may_be_gzipped():
    plain, zipped = layer_tar([file("x", 3)]), gzip.compress(layer_tar([file("y", 4)]))
    cfg = config([plain, plain])
    manifest = [{"Config": "c.json", "Layers": ["1/layer.tar", "2/layer.tar", "3/layer.tar.gz"]}]
    archive = _archive(
        [
            ("1/layer.tar", plain),
            ("2/layer.tar", "../1/layer.tar"),
            ("3/layer.tar.gz", zipped),
            ("c.json", cfg),
            ("manifest.json", json.dumps(manifest).encode()),
        ]
    )
    _, _, found, _ = read_archive(io.BytesIO(archive))
    assert [shape(layer) for layer in found] == [[("x", 3, "0", "")], [("x", 3, "0", "")], [("y", 4, "0", "")]]


def test_a_zstd_layer_is_refused_with_a_message_that_says_so():
    archive = _archive([("blobs/sha256/ab", b"\x28\xb5\x2f\xfd" + bytes(600)), ("manifest.json", b"[]")])
    with pytest.raises(UsageError, match="zstd"):
        read_archive(io.BytesIO(archive))


def test_an_archive_cut_in_the_middle_of_a_file_is_an_error_not_a_silent_short_read():
    archive = docker_archive([[file("big", 100_000)]], tag="t:1")
    with pytest.raises(UsageError, match="ended in the middle"):
        read_archive(io.BytesIO(archive[:60_000]))


def test_an_archive_without_a_manifest_is_an_error():
    with pytest.raises(UsageError, match=r"manifest\.json"):
        read_archive(io.BytesIO(_archive([("blobs/sha256/ab", b"{}")])))


def test_prefetching_reads_the_same_archive_and_passes_on_a_failure_of_the_stream():
    archive = docker_archive([[file("a", 5)], [file("b", 70_000)]], tag="t:1")
    prefetch = Prefetch(io.BytesIO(archive))
    try:
        _, _, found, _ = read_archive(prefetch)  # type: ignore[arg-type]
    finally:
        prefetch.close()
    assert [shape(layer) for layer in found] == [[("a", 5, "0", "")], [("b", 70_000, "0", "")]]

    class Broken(io.BytesIO):
        def read1(self, size: int = -1) -> bytes:
            raise OSError("pipe broke")

    broken = Prefetch(Broken())
    with pytest.raises(OSError, match="pipe broke"):
        broken.read(10)
    broken.close()


def test_a_bounded_reader_stops_at_its_limit_and_reads_pushed_back_bytes_first():
    reader = Reader(io.BytesIO(b"abcdefgh"), limit=5)
    reader.front = b"XY"
    assert reader.read(4) == b"XYab"
    assert reader.read(10) == b"cde"
    assert reader.read(1) == b""


def test_chain_ids_follow_the_layer_store_rule():
    assert chain_ids(["sha256:a", "sha256:b"]) == [
        "sha256:a",
        "sha256:" + hashlib.sha256(b"sha256:a sha256:b").hexdigest(),
    ]


def fake_store(root: Path, layers, *, unpacked: bool = False) -> dict:
    """An engine data root holding one image the way the classic overlay2 store does; returns its inspect data.

    ``unpacked`` also writes each layer's ``cache-id`` and its files under ``overlay2/<cache-id>/diff``."""
    tars = [layer_tar(items) for items in layers]
    cfg = config(tars, history=[f"step {i}" for i in range(len(tars))])
    base = root / "image" / "overlay2"
    (base / "imagedb/content/sha256").mkdir(parents=True)
    (base / "imagedb/content/sha256" / digest(cfg)[7:]).write_bytes(cfg)
    diff_ids = [digest(tar) for tar in tars]
    for tar, diff_id, chain_id in zip(tars, diff_ids, chain_ids(diff_ids), strict=True):
        folder = base / "layerdb/sha256" / chain_id[7:]
        folder.mkdir(parents=True)
        (folder / "diff").write_text(diff_id)
        (folder / "tar-split.json.gz").write_bytes(gzip.compress(tar_split(tar).encode()))
        if unpacked:
            (folder / "cache-id").write_text(chain_id[7:19])
            with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
                archive.extractall(root / "overlay2" / chain_id[7:19] / "diff", filter="tar")
    return {"Id": digest(cfg), "Size": 123, "RootFS": {"Layers": diff_ids}}


def test_the_engine_storage_gives_the_same_layers_as_the_archive(tmp_path):
    layers = [[directory("a"), file("a/big", 500)], [directory("a"), whiteout("a/big"), file("c", 1)]]
    info = fake_store(tmp_path, layers)
    contents = from_storage("img:1", info, "overlay2", str(tmp_path))
    assert contents is not None
    assert contents.source == "storage"
    assert contents.size_bytes == 501  # what the layers hold, whatever the engine reports (123 here)
    _, _, saved, _ = read_archive(io.BytesIO(docker_archive(layers, tag="img:1")))
    assert [shape(layer) for layer in contents.layers] == [shape(layer) for layer in saved]
    assert [step["created_by"] for step in contents.history][:2] == ["step 0", "step 1"]


def test_storage_that_does_not_match_the_engine_s_digests_is_not_trusted(tmp_path):
    info = fake_store(tmp_path, [[file("a", 5)]])
    assert (
        from_storage("img:1", {**info, "RootFS": {"Layers": ["sha256:" + "0" * 64]}}, "overlay2", str(tmp_path)) is None
    )
    assert from_storage("img:1", {**info, "Id": "sha256:" + "1" * 64}, "overlay2", str(tmp_path)) is None
    assert from_storage("img:1", info, "overlay2", str(tmp_path / "elsewhere")) is None


def test_the_config_history_comes_from_storage_without_reading_a_layer(tmp_path, monkeypatch):
    info = fake_store(tmp_path, [[file("a", 5)], [file("b", 1)]])
    for folder in (tmp_path / "image/overlay2/layerdb/sha256").iterdir():
        (folder / "tar-split.json.gz").unlink()  # the layers are never read
    monkeypatch.setattr(layer_source.images, "inspect_image", lambda ref: info)
    monkeypatch.setattr(layer_source.docker, "storage", lambda: ("overlay2", str(tmp_path)))
    assert [step["created_by"] for step in config_history("img:1")][:2] == ["step 0", "step 1"]


def secret_layers() -> list:
    token = "gh" + "p_" + "0123456789abcdefghijklmnopqrstuvwxyz"
    return [
        [directory("etc"), file("etc/credentials", f"token={token}\n".encode()), file("etc/big", 2 << 20)],
        [directory("etc"), whiteout("etc/credentials")],
    ]


def many_secret_files() -> list:
    """Files a token lies across, one's end and the next's start, and files that hold one at their start or end."""
    token = "gh" + "p_" + "0123456789abcdefghijklmnopqrstuvwxyz"
    pieces = [token[:10], token[10:], f"x{token}", f"{token}", "AKIA" + "A" * 16, "-", "0AKIA" + "B" * 16 + "0"]
    return [[directory("d"), *(file(f"d/{i:02}", piece.encode()) for i, piece in enumerate(pieces * 3))]]


@pytest.mark.parametrize("batch", [8 << 20, 40, 1], ids=["one-buffer", "a-few-files-a-buffer", "a-file-a-buffer"])
def test_small_files_read_many_at_a_time_are_scanned_as_each_alone(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(unpacked, "BATCH", batch)
    info = fake_store(tmp_path, many_secret_files(), unpacked=True)
    contents = from_storage("img:1", info, "overlay2", str(tmp_path), scan_content)
    assert contents is not None
    assert contents.found is not None

    def one_at_a_time(path, data):  # any scan but the content rules' own reads each file alone
        return scan_content(path, data)

    one_by_one = from_storage("img:1", info, "overlay2", str(tmp_path), one_at_a_time)
    assert one_by_one is not None
    assert contents.found == one_by_one.found
    assert sorted((m.path[2:], m.rule) for m in contents.found[0]) == sorted(
        [*((f"{n:02}", "github-token") for n in (3, 10, 17)), *((f"{n:02}", "aws-access-key") for n in (4, 11, 18))]
    )


def test_with_the_secret_rules_storage_reads_small_files_from_each_layer_s_unpacked_copy(tmp_path):
    info = fake_store(tmp_path, secret_layers(), unpacked=True)
    contents = from_storage("img:1", info, "overlay2", str(tmp_path), scan_content)
    assert contents is not None
    assert contents.found is not None
    assert [[m.rule for m in layer] for layer in contents.found] == [["github-token"], []]
    _, _, _, saved = read_archive(io.BytesIO(docker_archive(secret_layers(), tag="img:1")), scan_content)
    assert [list(layer) for layer in contents.found] == [list(layer) for layer in saved]
    assert contents.diff_ids == tuple(info["RootFS"]["Layers"])


def test_without_unpacked_layers_storage_gives_way_to_docker_save_for_the_secret_rules(tmp_path):
    info = fake_store(tmp_path, secret_layers())
    assert from_storage("img:1", info, "overlay2", str(tmp_path), scan_content) is None
    assert from_storage("img:1", info, "overlay2", str(tmp_path)) is not None
    assert from_storage("img:1", info, "vfs", str(tmp_path), scan_content) is None


def layer_folder(root: Path) -> Path:
    """A layer's unpacked copy as overlay2 keeps it (``<cache-id>/diff``), beside files of the host it must never read:
    ``etc/ok`` and ``etc/deep/er/file`` are the layer's; ``link`` and ``etc/dir`` are symbolic links out of it."""
    outside = root / "host"
    outside.mkdir()
    (outside / "secret").write_text("host's")
    diff = root / "layer" / "diff"
    (diff / "etc/deep/er").mkdir(parents=True)
    (diff / "etc/ok").write_text("fine")
    (diff / "etc/deep/er/file").write_text("deeper")
    (diff / "link").symlink_to(outside / "secret")
    (diff / "etc/dir").symlink_to(outside)
    return diff


def read(diff: Path, sizes: dict[str, int]) -> dict[str, bytes]:
    return dict(unpacked_files(diff, sizes))


def test_the_reader_reads_each_file_it_is_asked_for_from_the_layer_s_folder(tmp_path):
    diff = layer_folder(tmp_path)
    assert read(diff, {"etc/ok": 4, "etc/deep/er/file": 6}) == {"etc/ok": b"fine", "etc/deep/er/file": b"deeper"}
    assert read(diff, {}) == {}


@pytest.mark.parametrize(
    ("path", "refusal"),
    [("link", "not a regular file"), ("etc/dir/secret", "not in its folder")],
    ids=["a-linked-file", "a-file-in-a-linked-folder"],
)
def test_a_symlink_in_the_layer_s_folder_is_never_followed_out_of_it(tmp_path, monkeypatch, path, refusal):
    diff = layer_folder(tmp_path)
    opened: list[str] = []
    real_open = os.open

    def spy(name, flags, *args, **kwargs):
        opened.append(str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    with pytest.raises(OSError, match=refusal):
        read(diff, {"etc/ok": 4, path: 6})
    assert "link" not in opened
    assert "dir" not in opened
    assert "secret" not in opened


def test_a_fifo_in_the_layer_s_folder_is_listed_and_never_opened(tmp_path, monkeypatch):
    diff = layer_folder(tmp_path)
    os.mkfifo(diff / "etc/pipe")
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda name, *a, **k: opened.append(str(name)) or real_open(name, *a, **k))
    with pytest.raises(OSError, match="not a regular file"):
        read(diff, {"etc/pipe": 10})
    assert "pipe" not in opened


def test_a_file_whose_size_is_not_the_header_s_or_that_is_missing_is_refused(tmp_path):
    diff = layer_folder(tmp_path)
    with pytest.raises(OSError, match="not the regular file of 5 bytes"):
        read(diff, {"etc/ok": 5})
    with pytest.raises(OSError, match="not in its folder"):
        read(diff, {"etc/gone": 5})
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "no-such-layer", {"etc/ok": 4})


def open_descriptors() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


def test_the_reader_leaves_no_descriptor_open_when_it_ends_fails_or_is_left_half_way(tmp_path):
    diff = layer_folder(tmp_path)
    before = open_descriptors()
    read(diff, {"etc/ok": 4, "etc/deep/er/file": 6})
    with pytest.raises(OSError, match="not a regular file"):
        read(diff, {"etc/deep/er/file": 6, "link": 6})
    walk = unpacked_files(diff, {"etc/ok": 4, "etc/deep/er/file": 6})
    next(walk)
    walk.close()
    assert open_descriptors() == before


def test_storage_with_a_symlink_where_the_layer_had_a_file_or_a_folder_gives_way_to_docker_save(tmp_path):
    outside = tmp_path / "host"
    outside.mkdir()
    (outside / "credentials").write_text("nothing")
    info = fake_store(tmp_path, secret_layers(), unpacked=True)
    (diff,) = (d / "diff" for d in (tmp_path / "overlay2").iterdir() if (d / "diff/etc/credentials").exists())
    (diff / "etc/credentials").unlink()
    (diff / "etc/credentials").symlink_to(outside / "credentials")
    assert from_storage("img:1", info, "overlay2", str(tmp_path), scan_content) is None
    (diff / "etc/credentials").unlink()
    (diff / "etc").rename(tmp_path / "moved")
    (diff / "etc").symlink_to(tmp_path / "moved")
    assert from_storage("img:1", info, "overlay2", str(tmp_path), scan_content) is None


def fake_content_store(root: Path, layers, *, compression: str = "gzip") -> dict:
    """An engine data root whose containerd keeps one image's blobs by digest, as the containerd image store does
    (``containerd/daemon/io.containerd.content.v1.content``); returns its inspect data (the id: the manifest's
    digest)."""
    files = oci_layout(layers, compression=compression, history=[f"step {i}" for i in range(len(layers))])
    store = root / "containerd" / "daemon" / layer_source.CONTENT
    for name, data in files.items():
        if name.startswith("blobs/"):
            (store / name).parent.mkdir(parents=True, exist_ok=True)
            (store / name).write_bytes(data)
    manifest = json.loads(files["index.json"])["manifests"][0]["digest"]
    return {"Id": manifest, "Size": 123}


def test_containerd_s_content_store_gives_the_layers_the_archive_gives_under_the_engine_s_id(tmp_path):
    layers = [[directory("a"), file("a/big", 500)], [directory("a"), whiteout("a/big"), file("c", 1)]]
    info = fake_content_store(tmp_path, layers)
    contents = layer_source.from_content("img:1", info, str(tmp_path))
    assert contents is not None
    assert (contents.source, contents.image_id, contents.size_bytes) == ("content-store", info["Id"], 501)
    _, _, saved, _ = read_archive(io.BytesIO(docker_archive(layers, tag="img:1")))
    assert [shape(layer) for layer in contents.layers] == [shape(layer) for layer in saved]


def test_a_content_store_missing_a_blob_or_holding_another_is_not_read(tmp_path):
    info = fake_content_store(tmp_path, [[file("a", 5)], [file("b", 7)]])
    store = tmp_path / "containerd" / "daemon" / layer_source.CONTENT / "blobs" / "sha256"
    layer = max(store.iterdir(), key=lambda blob: blob.stat().st_size)
    layer.write_bytes(layer.read_bytes()[:-1] + b"\0")
    assert layer_source.from_content("img:1", info, str(tmp_path)) is None
    layer.unlink()
    assert layer_source.from_content("img:1", info, str(tmp_path)) is None
    assert layer_source.from_content("img:1", info, str(tmp_path / "elsewhere")) is None


def test_on_the_containerd_store_read_image_reads_the_content_store_and_the_history_reads_no_layer(
    tmp_path, monkeypatch
):
    info = fake_content_store(tmp_path, [[file("a", 5)], [file("b", 1)]], compression="none")
    monkeypatch.setattr(layer_source.images, "inspect_image", lambda ref: info)
    monkeypatch.setattr(layer_source.docker, "storage", lambda: None)
    monkeypatch.setattr(layer_source.docker, "containerd_root", lambda: str(tmp_path))
    assert layer_source.read_image("img:1", secrets=True).source == "content-store"
    store = tmp_path / "containerd" / "daemon" / layer_source.CONTENT / "blobs" / "sha256"
    for blob in store.iterdir():
        if blob.read_bytes()[257:262] == b"ustar":
            blob.unlink()  # the layers are never read
    assert [step["created_by"] for step in config_history("img:1")][:2] == ["step 0", "step 1"]
