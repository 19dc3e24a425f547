"""The package behind the bytes on lab images (needs a Docker engine): ``analyze`` names each image's packages from
its own records, and ``diff`` the packages a change removed.

Each image is built from its lab's own Dockerfile (on the stand-in or official base the checker resolves), tagged
``slimlab-<id>/test-packages-<lab>:<variant>``, labelled as slimlab's own, and removed afterwards.  The figures each
test saw are printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import LABS, run_checks

from checks.model.checkout import HERE

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

#: A compiler's package, by dpkg's or apk's name for it: gcc, gcc-14, gcc-14-x86-64-linux-gnu, g++, cpp, clang-19, ...
COMPILER = re.compile(r"(?:gcc|g\+\+|cpp|clang|cc|tcc)(?:-[0-9.]+)?(?:-x86-64-linux-gnu)?")


def build(lab: str, variant: str) -> str:
    """The variant's image, built from its lab's Dockerfile and context as verify builds it; its tag."""
    from checks.engine import docker
    from checks.engine.bases import Resolver
    from checks.engine.docker import MANAGED_LABEL
    from checks.model.dockerfile import external_images_of
    from checks.model.spec import load

    folder = next(LABS.glob(f"{lab}-*"))
    spec = load(folder).variant(variant)
    resolver = Resolver(echo=lambda line: None)
    uses = [resolver.resolve(name) for name in external_images_of(folder / spec.dockerfile)]
    tag = HERE.tag(f"test-packages-{lab}", variant)
    request = docker.BuildRequest(
        dockerfile=folder / spec.dockerfile,
        context=folder / spec.context,
        tag=tag,
        labels={MANAGED_LABEL: "true"},
        contexts=resolver.contexts(uses),
        target=spec.target,
    )
    docker.build(request, echo=lambda line: None)
    return tag


@pytest.fixture(scope="module")
def images():
    """Build each (lab, variant) on first need; remove them all at the end."""
    made: dict[tuple[str, str], str] = {}

    def image(lab: str, variant: str) -> str:
        if (lab, variant) not in made:
            made[(lab, variant)] = build(lab, variant)
        return made[(lab, variant)]

    try:
        yield image
    finally:
        if made:
            subprocess.run(["docker", "rmi", "-f", *made.values()], check=False, capture_output=True)


def analysis(ref: str, *options: str) -> dict:
    done = run_checks("analyze", "--json", *options, ref)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def packages(ref: str) -> list[dict]:
    return analysis(ref)["packages"]


def named(found: list[dict], manager: str, name: str) -> dict:
    (row,) = [p for p in found if p["manager"] == manager and p["name"] == name]
    return row


def test_the_single_stage_python_image_names_numpy_and_gcc_with_their_bytes(images):
    ref = images("lab-5", "before")
    analyzed = analysis(ref)
    found = analyzed["packages"]
    numpy = named(found, "pip", "numpy")
    compilers = [p for p in found if p["manager"] == "dpkg" and COMPILER.fullmatch(p["name"])]
    gcc = max(compilers, key=lambda p: p["size_bytes"])
    print(f"\nlab 5 before: numpy {numpy}\nlab 5 before: largest compiler package {gcc}")
    print("lab 5 before: gcc packages", [(p["name"], p["size_bytes"]) for p in compilers])
    assert numpy["size_bytes"] > 20_000_000  # numpy's wheel unpacks to tens of MB
    assert numpy["files"] > 100
    assert gcc["name"].startswith("gcc")
    assert gcc["size_bytes"] > 10_000_000
    assert {"gcc", "numpy"} <= {p["name"] for p in found}
    assert (
        "pip install" in analyzed["layers"][numpy["layer"]]["created_by"]
    )  # the layer that brought it is the pip install
    report = run_checks("analyze", ref).stdout
    assert re.search(r"pip\s+numpy\s+" + re.escape(numpy["version"]), report), report[-3000:]


def test_the_slim_python_image_ships_no_compiler_yet_its_packages_are_named(images):
    found = packages(images("lab-1", "after"))
    print("\nlab 1 after: largest rows", [(p["manager"], p["name"], p["size_bytes"]) for p in found[:5]])
    assert [p["name"] for p in found if p["manager"] != "none" and COMPILER.fullmatch(p["name"])] == []
    assert named(found, "dpkg", "libc6")["size_bytes"] > 1_000_000  # the records were read: this is no empty list


def test_the_engine_s_storage_and_docker_save_attribute_the_same_packages(images):
    ref = images("lab-1", "after")
    assert analysis(ref, "--source", "save")["packages"] == analysis(ref, "--source", "storage")["packages"]


def test_diff_names_the_compiler_removed_from_the_full_image_to_the_slim_one(images):
    before, after = images("lab-1", "before"), images("lab-1", "after")
    done = run_checks("diff", "--json", before, after)
    assert done.returncode == 0, done.stderr[-3000:]
    removed = {c["name"]: c for c in json.loads(done.stdout)["packages"]["removed"]}
    print("\nlab 1 before -> after: removed", [(n, c["a_bytes"]) for n, c in list(removed.items())[:5]])
    assert any(COMPILER.fullmatch(name) and c["a_bytes"] > 10_000_000 for name, c in removed.items())
    assert "packages removed (" in run_checks("diff", before, after).stdout


def test_an_image_with_no_system_package_database_still_names_pip_s_packages(images):
    # lab 1's alpine variant: the alpine stand-in has no apk and no database (checks/bases/alpine/base.toml), so
    # its musl, BusyBox and Python are no package's; the pip that came with Python keeps its own RECORD
    found = packages(images("lab-1", "alpine"))
    print("\nlab 1 alpine: rows", [(p["manager"], p["name"], p["size_bytes"]) for p in found])
    assert {p["manager"] for p in found} == {"none", "pip"}
    assert named(found, "none", "(no package)")["size_bytes"] > 10_000_000
    assert named(found, "pip", "pip")["files"] > 100


def test_a_node_image_s_npm_packages_are_named_and_typescript_is_among_the_largest(images):
    found = packages(images("lab-8", "before"))
    npm = [p for p in found if p["manager"] == "npm"]
    typescript = named(found, "npm", "typescript")
    print(f"\nlab 8 before: {len(npm)} npm packages; typescript {typescript}")
    assert typescript["size_bytes"] > 5_000_000
