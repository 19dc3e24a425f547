"""Image analysis on real images, checked against dive itself (needs a Docker engine).

Images: two made from nothing and loaded with `docker load` (every whiteout,
opaque directory, hard link and overwrite placed exactly), one built by
BuildKit that adds then deletes 50 MB, and lab 4 verified from a copy.  All
are tagged ``slimlab/test-analyze-*``, labelled as slimlab's own, and removed
afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, hardlink, opaque, symlink, whiteout, zeros
from conftest import LABS, build_on_busybox, run_checks
from test_explorer_browser import assert_explored, explorer_of, opened_browser

from checks.engine.layer_source import analyze
from checks.model.checkout import HERE

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

DIVE = Path(sys.executable).parent / "dive"
#: The images the verify of the lab 4 copy below makes, in this checkout's namespace.
LAB4_BEFORE, LAB4_AFTER = HERE.tag("test-analyze-lab-4", "before"), HERE.tag("test-analyze-lab-4", "after")

SYNTHETIC = {
    # deletions of a file, a directory and an empty directory; three copies of one file; an opaque
    # directory; a hard link whose first name is replaced; a directory only implied by its file, deleted.
    "churn": [
        [
            directory("a"),
            zeros("a/big", 50_000_000),
            directory("etc"),
            file("etc/conf", 1_000_000),
            directory("data"),
            file("data/x", 3_000_000),
            directory("data/sub"),
            file("data/sub/y", 2_000_000),
            directory("bin"),
            file("bin/tool", 400_000),
            hardlink("bin/tool2", "bin/tool"),
            symlink("bin/sh", "tool"),
            directory("opq"),
            file("opq/old", 700_000),
            directory("empty"),
        ],
        [
            directory("a"),
            whiteout("a/big"),
            directory("etc"),
            file("etc/conf", 1_000_001),
            directory("opq"),
            opaque("opq"),
            file("opq/new", 100_000),
        ],
        [
            whiteout("data"),
            directory("etc"),
            file("etc/conf", 2_000_000),
            whiteout("empty"),
            file("implied/sub/f", 5000),
        ],
        [whiteout("implied"), directory("bin"), file("bin/tool", 10)],
    ],
    # a whiteout of a path no lower layer has: dive stops counting that layer
    "quirks": [
        [directory("x"), file("x/a", 100)],
        [whiteout("nothing-here"), file("zzz", 1000), file("x/a", 200)],
    ],
}

CHURN_DOCKERFILE = """\
FROM busybox
RUN --network=none dd if=/dev/zero of=/big bs=1000000 count=50
RUN --network=none rm /big
RUN --network=none mkdir /data && dd if=/dev/zero of=/data/blob bs=1000000 count=5 && echo one > /conf
RUN --network=none echo two-two > /conf && rm -rf /data
"""


def remove(*refs: str) -> None:
    subprocess.run(["docker", "rmi", "-f", *refs], check=False, capture_output=True)


def dive(ref: str, folder: Path) -> dict:
    """dive's analysis of a local image, read from the engine (`--source docker`) with no TUI."""
    out = folder / f"dive-{abs(hash(ref))}.json"
    out.unlink(missing_ok=True)  # dive does not truncate an existing file
    done = subprocess.run(
        [str(DIVE), "--source", "docker", "--json", str(out), ref],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
        timeout=600,
    )
    assert out.is_file(), f"dive wrote nothing: {done.stdout[-1000:]} {done.stderr[-1000:]}"
    return json.loads(out.read_text())


def assert_same_as_dive(ref: str, folder: Path, source: str) -> None:
    ours, theirs = analyze(ref, source=source), dive(ref, folder)
    assert ours.wasted_bytes == theirs["image"]["inefficientBytes"]
    assert ours.efficiency == pytest.approx(theirs["image"]["efficiencyScore"], abs=1e-12)
    assert {(w.path, w.count, w.size_bytes) for w in ours.inefficiencies} == {
        (row["file"].lstrip("/"), row["count"], row["sizeBytes"]) for row in theirs["image"]["fileReference"]
    }
    assert [layer.size_bytes for layer in ours.layers] == [layer["sizeBytes"] for layer in theirs["layer"]]


@pytest.fixture(scope="module")
def loaded():
    """The synthetic images, loaded into the engine; removed afterwards."""
    tags = {name: f"slimlab/test-analyze-{name}:loaded" for name in SYNTHETIC}
    try:
        for name, layers in SYNTHETIC.items():
            done = subprocess.run(
                ["docker", "load"], check=False, input=docker_archive(layers, tag=tags[name]), capture_output=True
            )
            assert done.returncode == 0, done.stderr.decode()
        yield tags
    finally:
        remove(*tags.values())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """An image BuildKit built from busybox that adds 50 MB, then deletes it; removed afterwards."""
    tag = "slimlab/test-analyze-buildkit:churn"
    try:
        build_on_busybox(tmp_path_factory.mktemp("churn"), CHURN_DOCKERFILE, tag)
        yield tag
    finally:
        remove(tag)


@pytest.fixture(scope="module")
def lab4(tmp_path_factory):
    """Lab 4 verified from a copy named test-analyze-lab-4: its images are LAB4_BEFORE, LAB4_AFTER and the rest."""
    folder = tmp_path_factory.mktemp("labs") / "test-analyze-lab-4"
    shutil.copytree(next(LABS.glob("lab-4-*")), folder, ignore=shutil.ignore_patterns("results.json"))
    try:
        done = run_checks("verify", str(folder))
        assert done.returncode == 0, done.stderr[-3000:]
        yield folder, done
    finally:
        run_checks("clean", "--lab", folder.name)


@pytest.mark.parametrize("source", ["auto", "save"])
@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_our_numbers_equal_dive_s_on_images_with_every_kind_of_deletion_and_overwrite(loaded, tmp_path, name, source):
    # auto reads the engine's storage when it can (a local engine, as root), else falls back to docker save
    assert_same_as_dive(loaded[name], tmp_path, source)


def test_the_engine_s_storage_and_docker_save_give_the_same_analysis(loaded):
    stored, saved = analyze(loaded["churn"], source="auto"), analyze(loaded["churn"], source="save")
    assert saved.source == "save"
    assert (stored.wasted_bytes, stored.efficiency, stored.layers, stored.classes) == (
        saved.wasted_bytes,
        saved.efficiency,
        saved.layers,
        saved.classes,
    )
    assert {p: c.size for p, c in stored.files.items()} == {p: c.size for p, c in saved.files.items()}


def test_what_dive_does_not_count_is_in_the_deleted_later_class(loaded):
    result = analyze(loaded["churn"])
    deleted = next(c for c in result.classes if c.id == "deleted-later")
    places = dict(deleted.top)
    assert places["a/big"] == 50_000_000
    assert places["data"] == 5_000_000
    assert places["opq"] == 700_000
    assert "bin/tool" not in places  # its content lives on under the hard link bin/tool2


def test_an_image_that_adds_then_deletes_50_mb_reports_that_much_wasted_as_dive_does(built, tmp_path):
    done = run_checks("analyze", "--json", built)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"size_bytes", "layers", "wasted_bytes", "efficiency", "classes"} <= set(data)
    theirs = dive(built, tmp_path)
    assert data["wasted_bytes"] >= 50_000_000
    assert data["wasted_bytes"] == theirs["image"]["inefficientBytes"]
    assert data["efficiency"] == pytest.approx(theirs["image"]["efficiencyScore"], abs=1e-12)
    # /data was deleted as a directory: dive does not count it, the deleted-later class does
    assert {"path": "data", "size_bytes": 5_000_000} in data["classes"]["deleted-later"]["top"]
    assert data["classes"]["deleted-later"]["url"].endswith("layers.html#deleted-later")


def test_the_single_stage_go_image_names_its_compiler_toolchain_and_its_bytes(lab4, tmp_path):
    done = run_checks("analyze", LAB4_BEFORE)
    assert done.returncode == 0, done.stderr
    assert "Compilers and build tools" in done.stdout
    assert "multi-stage.html#build-toolchain" in done.stdout
    result = analyze(LAB4_BEFORE)
    toolchain = next(c for c in result.classes if c.id == "build-toolchain")
    assert toolchain.size_bytes > 100_000_000
    assert any("go" in place for place, _ in toolchain.top)
    assert any("gcc" in place for place, _ in toolchain.top)
    assert_same_as_dive(LAB4_BEFORE, tmp_path, "auto")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from opened_browser(tmp_path_factory)


def test_the_go_image_s_explorer_opens_offline_with_its_layers_and_its_toolchain_in_the_tree(lab4, browser, tmp_path):
    page = explorer_of(LAB4_BEFORE, tmp_path)
    assert_explored(browser, page, layers=len(analyze(LAB4_BEFORE).layers), paths=("usr/", "local/", "lib/"))
    browser.click('button[data-layer="5"]')  # ADD go.tar /usr/local/: the folders it wrote open
    assert "go/" in browser.js("[...document.querySelectorAll('.tr summary.on')].map(r => r.innerText).join(' ')")
    assert "multi-stage.html#build-toolchain" in page.read_text(encoding="utf-8")
    print(f"lab 4's before: the explorer is {page.stat().st_size:,} bytes")


def test_the_multi_stage_image_has_nothing_removable_and_nothing_wasted(lab4):
    result = analyze(LAB4_AFTER)
    assert result.classes == ()
    assert result.wasted_bytes == 0
    assert result.efficiency == 1.0


def test_diff_shows_the_toolchain_removed_and_the_binary_added(lab4):
    done = run_checks("diff", "--json", LAB4_BEFORE, LAB4_AFTER)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    rows = {row["directory"]: row for row in data["directories"]}
    assert any(
        name.startswith(("usr/local/go", "usr/lib/go")) and row["removed"]["bytes"] > 50_000_000
        for name, row in rows.items()
    )
    assert rows[""]["added"]["files"] == 1  # /greeter
    assert data["total"]["net_bytes"] == data["b_bytes"] - data["a_bytes"]


def test_verify_records_each_variant_s_analysis_and_reports_it(lab4):
    folder, done = lab4
    variants = json.loads((folder / "results.json").read_text())["variants"]
    before, after = variants["before"]["analysis"], variants["after"]["analysis"]
    assert set(before) == {"wasted_bytes", "efficiency", "reclaimable_bytes", "classes", "tree"}
    assert before["classes"]["build-toolchain"] > 100_000_000
    assert after["classes"] == {}
    assert "  before: wasted" in done.stdout
    assert "build-toolchain" in done.stdout


def test_analyzing_an_image_that_does_not_exist_says_so_and_exits_2():
    done = run_checks("analyze", "slimlab/test-analyze-no-such-image:nowhere")
    assert done.returncode == 2
    assert "No image" in done.stderr
