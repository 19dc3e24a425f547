"""checks.inspect.layout: docker save archives and OCI image layouts read from a file or a folder, with no engine.

Every image here is made in the test from tar layers written in memory.  The
analysis of each format (docker-archive or OCI layout, tar or folder, layers
uncompressed, gzip or zstd) must be the one ``docker save`` gives for the
same layers.  zstd needs the ``zstandard`` package (requirements.txt); where
it is missing those tests are skipped visibly, and with CI=true any skip fails.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest
from analyze_images import (
    compress,
    digest,
    directory,
    docker_archive,
    figures,
    file,
    files_of,
    hardlink,
    layer_tar,
    oci_layout,
    opaque,
    platform_index,
    tar_of,
    whiteout,
)
from conftest import run_checks

from checks.inspect.analyze import Analysis, analysis_of
from checks.inspect.archive import ImageContents, read_archive
from checks.inspect.documents import PLATFORM, choose, descriptor, platform_named
from checks.inspect.layout import ZSTD_MISSING, compression_of, names_a_path, read_path
from checks.model.errors import MalformedError, UsageError

LAYERS = [
    [
        directory("app"),
        file("app/data.bin", 30_000),
        file("app/conf", 100),
        directory("usr"),
        directory("usr/share"),
        directory("usr/share/doc"),
        file("usr/share/doc/README", 2000),
        directory("tmp"),
        file("tmp/installer", 50_000),
        hardlink("app/data-link", "app/data.bin"),
    ],
    [directory("app"), file("app/conf", 120), directory("tmp"), whiteout("tmp/installer")],
    [directory("app"), file("app/data.bin", 30_000), directory("usr"), opaque("usr/share")],
]
HISTORY = ["COPY app /app", "RUN edit conf && rm /tmp/installer", "RUN chown -R app /app"]
COMPRESSIONS = ["none", "gzip", "zstd"]
#: Every byte of every layer's files.
SIZE = 30_000 + 100 + 2000 + 50_000 + 120 + 30_000


def need(compression: str) -> None:
    if compression == "zstd":
        pytest.importorskip("zstandard", reason="zstd layers need the zstandard package (make venv installs it)")


def write(tmp_path: Path, files: dict[str, bytes], as_tar: bool) -> str:
    if as_tar:
        path = tmp_path / "image.tar"
        path.write_bytes(tar_of(files))
        return str(path)
    for name, data in files.items():
        (tmp_path / "layout" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "layout" / name).write_bytes(data)
    return str(tmp_path / "layout")


def every_figure(result: Analysis) -> tuple:
    return (result.image_id, *figures(result, checksums=True))


@pytest.fixture(scope="module")
def saved() -> Analysis:
    """The analysis of the same layers as `docker save` streams them from an engine."""
    _, config, layers, _ = read_archive(io.BytesIO(docker_archive(LAYERS, tag="t:1", history=HISTORY)))
    return analysis_of(
        ImageContents(
            ref="t:1",
            image_id=digest(json.dumps(config).encode()),
            size_bytes=0,
            history=tuple(config["history"]),
            layers=tuple(layers),
            source="save",
        )
    )


def expected(saved: Analysis, id_from: bytes) -> tuple:
    # an engine reports the image id and size itself; an archive's are its config's digest and its layers' bytes
    return (digest(id_from), SIZE, *every_figure(saved)[2:])


def config_of(files: dict[str, bytes]) -> bytes:
    index = json.loads(files["index.json"])
    manifest = json.loads(files[f"blobs/sha256/{index['manifests'][0]['digest'][7:]}"])
    return files[f"blobs/sha256/{manifest['config']['digest'][7:]}"]


@pytest.mark.parametrize("as_tar", [True, False], ids=["tar", "folder"])
@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_an_oci_layout_gives_the_figures_docker_save_gives(tmp_path, saved, compression, as_tar):
    need(compression)
    files = oci_layout(LAYERS, compression=compression, history=HISTORY)
    result = analysis_of(read_path(write(tmp_path, files, as_tar)))
    assert result.source == "oci-layout"
    assert every_figure(result) == expected(saved, config_of(files))
    assert [layer.created_by for layer in result.layers] == HISTORY


@pytest.mark.parametrize("oci", [True, False], ids=["docker-25-layout", "older-layout"])
@pytest.mark.parametrize("as_tar", [True, False], ids=["tar", "folder"])
def test_a_docker_save_archive_gives_the_figures_docker_save_gives(tmp_path, saved, oci, as_tar):
    files = files_of(docker_archive(LAYERS, tag="t:1", oci=oci, history=HISTORY))
    config = next(data for name, data in files.items() if b'"rootfs"' in data)
    result = analysis_of(read_path(write(tmp_path, files, as_tar)))
    assert result.source == "docker-archive"
    assert every_figure(result) == expected(saved, config)


def test_a_docker_save_archive_piped_through_gzip_is_read_too(tmp_path, saved):
    archive = docker_archive(LAYERS, tag="t:1", history=HISTORY)
    path = tmp_path / "image.tar.gz"
    path.write_bytes(gzip.compress(archive))
    assert every_figure(analysis_of(read_path(str(path))))[2:] == every_figure(saved)[2:]


def test_a_docker_archive_s_gzip_and_zstd_layers_are_recognised_by_their_first_bytes(tmp_path, saved):
    need("zstd")
    files = files_of(docker_archive(LAYERS, tag="t:1", history=HISTORY))
    manifest = json.loads(files["manifest.json"])
    for number, (name, how) in enumerate(zip(manifest[0]["Layers"], ["gzip", "zstd", "none"], strict=True)):
        files[f"packed{number}"] = compress(files.pop(name), how)
    manifest[0]["Layers"] = ["packed0", "packed1", "packed2"]
    files["manifest.json"] = json.dumps(manifest).encode()
    assert every_figure(analysis_of(read_path(write(tmp_path, files, True))))[2:] == every_figure(saved)[2:]


#: A multi-platform image: each platform's image holds a file named after it.
PLATFORMS = {
    name: [[file(f"etc/{name.replace('/', '-')}", 10 + number)]]
    for number, name in enumerate(["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6"])
}


def paths_read(contents: ImageContents) -> list[str]:
    return [entry.path for layer in contents.layers for entry in layer]


def test_an_index_of_several_platforms_with_no_platform_given_is_refused_listing_them(tmp_path):
    path = write(tmp_path, platform_index(PLATFORMS), True)
    with pytest.raises(UsageError) as refused:
        read_path(path)
    message = str(refused.value)
    assert message.startswith(f"'{path}' is a multi-platform image")
    assert "4 platforms (linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6)" in message
    assert "--platform" in message


@pytest.mark.parametrize("asked", ["linux/arm64", "linux/arm/v7", "linux/arm/v6", "LINUX/AMD64"])
def test_platform_reads_the_image_of_that_platform_and_notes_the_others(tmp_path, asked):
    contents = read_path(write(tmp_path, platform_index(PLATFORMS), False), platform_named(asked))
    assert paths_read(contents) == [f"etc/{asked.lower().replace('/', '-')}"]
    (note,) = contents.notes
    assert note.endswith(f"slimlab read {asked.lower()}")
    assert "4 platforms" in note


def test_a_platform_the_index_lacks_or_names_without_its_variant_twice_is_refused_naming_what_it_holds(tmp_path):
    path = write(tmp_path, platform_index(PLATFORMS), True)
    with pytest.raises(UsageError, match=r"holds no image for linux/s390x: its index holds linux/amd64, linux/arm64"):
        read_path(path, platform_named("linux/s390x"))
    with pytest.raises(
        UsageError, match=r"holds 2 images for linux/arm \(linux/arm/v7, linux/arm/v6\)\. Add the variant"
    ):
        read_path(path, platform_named("linux/arm"))


def test_an_index_of_one_platform_and_its_attestation_needs_no_platform(tmp_path):
    files = platform_index({"linux/arm64": PLATFORMS["linux/arm64"]}, attestation=True)
    contents = read_path(write(tmp_path, files, True))
    assert paths_read(contents) == ["etc/linux-arm64"]
    assert contents.notes == ()


def test_platforms_an_index_lists_but_the_layout_left_out_are_not_counted(tmp_path):
    files = platform_index(PLATFORMS, left_out=["linux/arm64", "linux/arm/v7", "linux/arm/v6"])
    assert paths_read(read_path(write(tmp_path, files, True))) == ["etc/linux-amd64"]


def test_the_platform_of_a_one_platform_index_must_be_the_one_asked_for(tmp_path):
    path = write(tmp_path, platform_index({"linux/arm64": PLATFORMS["linux/arm64"]}), False)
    assert paths_read(read_path(path, platform_named("linux/arm64"))) == ["etc/linux-arm64"]
    with pytest.raises(UsageError, match="holds no image for linux/amd64: its index holds linux/arm64"):
        read_path(path, platform_named("linux/amd64"))


@pytest.mark.parametrize("text", ["linux", "amd64", "linux/amd64/v2/x", "linux//amd64", "linux/amd 64", ""])
def test_a_platform_that_is_not_os_arch_variant_is_a_usage_error(text):
    with pytest.raises(UsageError, match="is no platform: give os/architecture"):
        platform_named(text)


def test_choosing_a_manifest_takes_the_only_image_else_the_platform_s_and_skips_attestations():
    arm = descriptor({"digest": "a", "platform": {"os": "linux", "architecture": "arm64"}}, "arm")
    amd = descriptor({"digest": "b", "platform": {"os": "linux", "architecture": "amd64"}}, "amd")
    proof = descriptor({"digest": "c", "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}, "proof")
    assert choose([arm]) == arm
    assert choose([arm, amd, proof], PLATFORM) == amd
    assert choose([arm, proof]) == arm
    with pytest.raises(UsageError, match=r"holds 2 platforms \(linux/arm64, linux/amd64\)"):
        choose([arm, amd, proof])
    named = [
        descriptor({"digest": d, "annotations": {"org.opencontainers.image.ref.name": d}}, d) for d in ("x:1", "y:2")
    ]
    with pytest.raises(UsageError, match=r"holds 2 images \(x:1, y:2\)"):
        choose(named)


def test_media_types_say_how_a_layer_is_compressed():
    assert compression_of("application/vnd.oci.image.layer.v1.tar+gzip") == "gzip"
    assert compression_of("application/vnd.docker.image.rootfs.diff.tar.gzip") == "gzip"
    assert compression_of("application/vnd.oci.image.layer.v1.tar+zstd") == "zstd"
    assert compression_of("application/vnd.oci.image.layer.v1.tar") == "none"
    with pytest.raises(UsageError, match="media type"):
        compression_of("application/vnd.in-toto+json")


def test_a_layer_whose_bytes_are_not_its_media_type_is_an_error(tmp_path):
    files = oci_layout(LAYERS, compression="none", declared="gzip")
    with pytest.raises(UsageError, match="declared gzip but its first bytes say none"):
        read_path(write(tmp_path, files, True))


def test_a_blob_that_does_not_have_its_digest_is_an_error(tmp_path):
    files = oci_layout(LAYERS, compression="none")
    name = f"blobs/sha256/{digest(layer_tar(LAYERS[2]))[7:]}"
    files[name] = files[name][:-1024] + b"x" * 1024
    with pytest.raises(UsageError, match="does not have the digest"):
        read_path(write(tmp_path, files, False))


def test_a_layer_that_is_not_the_one_the_config_names_is_an_error(tmp_path):
    files = files_of(docker_archive(LAYERS, tag="t:1"))
    manifest = json.loads(files["manifest.json"])
    first, second = manifest[0]["Layers"][:2]
    files[first], files[second] = files[second], files[first]
    with pytest.raises(UsageError, match=r"rootfs\.diff_ids"):
        read_path(write(tmp_path, files, True))


def test_an_archive_of_two_images_asks_for_one(tmp_path):
    files = files_of(docker_archive(LAYERS, tag="t:1"))
    image = json.loads(files["manifest.json"])[0]
    files["manifest.json"] = json.dumps([image, {**image, "RepoTags": ["t:2"]}]).encode()
    with pytest.raises(UsageError, match=r"holds 2 images \(t:1, t:2\)"):
        read_path(write(tmp_path, files, True))


def test_a_folder_that_is_no_image_says_what_it_lacks(tmp_path):
    with pytest.raises(UsageError, match="neither an OCI image layout"):
        read_path(str(tmp_path))


def test_a_file_that_is_no_tar_says_so(tmp_path):
    (tmp_path / "notes.tar").write_text("hello")
    with pytest.raises(UsageError, match="no tar archive"):
        read_path(str(tmp_path / "notes.tar"))


def test_zstd_layers_without_the_zstandard_package_name_the_fix(tmp_path, monkeypatch):
    files = files_of(docker_archive(LAYERS, tag="t:1"))
    name = json.loads(files["manifest.json"])[0]["Layers"][0]
    files[name] = b"\x28\xb5\x2f\xfd" + files[name]  # a zstd frame's magic is enough to be taken for one
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import zstandard now raises ImportError
    with pytest.raises(UsageError, match=ZSTD_MISSING):
        read_path(write(tmp_path, files, True))


@pytest.mark.parametrize(
    ("argument", "is_path"),
    [
        ("busybox", False),
        ("slimlab/lab-4-go-multistage:after", False),
        ("localhost:5000/team/app:1.0", False),
        ("app@sha256:" + "a" * 64, False),
        ("sha256:" + "b" * 64, False),
        ("7aa9dd5eaded", False),
        ("./image", True),
        ("../image", True),
        ("/tmp/image", True),
        ("~/image.tar", True),
        ("image.tar", True),
        ("image.tar.gz", True),
        ("image.tgz", True),
        ("image.tar.zst", True),
    ],
)
def test_an_argument_is_a_path_when_it_exists_or_could_not_be_an_image_reference(argument, is_path):
    assert names_a_path(argument, exists=False) is is_path
    assert names_a_path(argument, exists=True) is True


def test_an_argument_that_is_neither_a_path_nor_a_reference_names_both_fixes():
    with pytest.raises(UsageError, match="neither a file or folder that exists nor an image reference"):
        names_a_path("My Image", exists=False)


DEAD_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/slimlab-no-engine.sock"}


def test_analyze_and_diff_read_archives_with_no_engine_at_all(tmp_path):
    layout = write(tmp_path, oci_layout(LAYERS, compression="gzip", history=HISTORY), False)
    archive = tmp_path / "image.tar"
    archive.write_bytes(docker_archive(LAYERS[:1], tag="t:1"))
    done = run_checks("analyze", "--json", layout, env=DEAD_ENGINE)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    # conf's first copy, the deleted installer, the README the opaque usr/share hides; not data.bin's first copy,
    # which the visible hard link app/data-link still reaches
    assert (data["source"], data["size_bytes"], data["reclaimable_bytes"]) == ("oci-layout", SIZE, 100 + 50_000 + 2000)
    text = run_checks("analyze", str(archive), env=DEAD_ENGINE)
    assert text.returncode == 0, text.stderr
    assert "read from a docker save archive" in text.stdout
    diff = run_checks("diff", "--json", str(archive), layout, env=DEAD_ENGINE)
    assert diff.returncode == 0, diff.stderr
    found = json.loads(diff.stdout)
    assert found["total"]["net_bytes"] == found["b_bytes"] - found["a_bytes"] < 0


def test_a_missing_archive_is_exit_2_with_a_message_naming_the_fix(tmp_path):
    done = run_checks("analyze", str(tmp_path / "nothing.tar"), env=DEAD_ENGINE)
    assert done.returncode == 2
    assert "No image archive at" in done.stderr
    assert "docker save IMAGE -o FILE.tar" in done.stderr


def test_a_symbolic_link_that_stays_inside_a_layout_folder_is_followed_there(tmp_path, saved):
    files = oci_layout(LAYERS, compression="none", history=HISTORY)
    root = Path(write(tmp_path, files, False))
    name = f"blobs/sha256/{digest(layer_tar(LAYERS[0]))[7:]}"
    (root / "elsewhere").mkdir()
    (root / name).rename(root / "elsewhere" / "layer")
    (root / name).symlink_to("../../elsewhere/layer")
    assert every_figure(analysis_of(read_path(str(root)))) == expected(saved, config_of(files))


@pytest.mark.parametrize("target", ["/etc/hostname", "../../../outside", "/dev/zero"])
def test_a_symbolic_link_out_of_a_layout_folder_is_refused_and_never_opened(tmp_path, target):
    root = Path(write(tmp_path, oci_layout(LAYERS), False))
    (root / "index.json").unlink()
    (root / "index.json").symlink_to(target)
    with pytest.raises(MalformedError, match=f"index.json is a symbolic link to {target}, outside"):
        read_path(str(root))


def test_links_inside_a_tar_are_resolved_among_its_members_never_on_the_host(tmp_path, saved):
    from hostile import END, member

    files = files_of(docker_archive(LAYERS, tag="t:1", history=HISTORY))
    image = json.loads(files["manifest.json"])[0]
    first = image["Layers"][0]
    data = b"".join(member(name, content) for name, content in files.items() if name != first)
    data += member("real/layer.tar", files[first]) + member("hard", typeflag=b"1", link="real/layer.tar")
    data += member(first, typeflag=b"2", link="../../hard")  # blobs/sha256/x -> hard -> real/layer.tar
    (tmp_path / "linked.tar").write_bytes(data + END)
    assert every_figure(analysis_of(read_path(str(tmp_path / "linked.tar"))))[2:] == every_figure(saved)[2:]


def test_a_fifo_or_a_device_given_as_the_image_is_refused_before_it_is_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.tar")
    for path, kind in ((str(tmp_path / "pipe.tar"), "a FIFO"), ("/dev/null", "a character device")):
        with pytest.raises(UsageError, match=f"is {kind}, not a file or folder"):
            read_path(path)


def test_a_home_folder_of_nobody_is_a_usage_error_naming_the_user():
    with pytest.raises(UsageError, match="a user 'nobody-here-at-all' this machine does not know"):
        read_path("~nobody-here-at-all/image.tar")


def test_a_layout_of_one_image_says_nothing_of_platforms(tmp_path):
    assert read_path(write(tmp_path, oci_layout(LAYERS), True)).notes == ()


def test_a_layer_longer_than_its_descriptor_says_is_refused_as_soon_as_it_is(tmp_path):
    files = oci_layout(LAYERS, compression="none")
    name = f"blobs/sha256/{digest(layer_tar(LAYERS[0]))[7:]}"
    root = Path(write(tmp_path, files, False))
    with (root / name).open("ab") as layer:
        layer.truncate(10 << 30)  # sparse: ten gigabytes of zeros after the layer, never read
    with pytest.raises(MalformedError, match="holds more than the"):
        read_path(str(root))
