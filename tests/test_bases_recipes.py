"""Stand-in recipes without building them: names, the recipe index and the recipe fingerprint."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from checks.engine.bases import DESCRIPTION, RECIPES, Recipe, normalize, recipe_sha256, recipes
from checks.model.dockerfile import external_images_of
from checks.model.results import BaseUse

LABS = Path(__file__).resolve().parent.parent / "labs"


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("busybox", "busybox:latest"),
        ("gcr.io/distroless/static-debian13", "gcr.io/distroless/static-debian13:latest"),
        ("localhost:5000/busybox", "localhost:5000/busybox:latest"),
    ],
)
def test_normalize_adds_the_latest_tag_to_an_untagged_name(name, normal):
    assert normalize(name) == normal


@pytest.mark.parametrize(
    "name",
    [
        "busybox:latest",
        "busybox:1.37",
        "golang:1.27-trixie",
        "gcr.io/distroless/static-debian13:nonroot",
        "localhost:5000/busybox:1.37",
        "busybox@sha256:" + "0" * 64,
    ],
)
def test_normalize_leaves_tagged_and_digested_names_alone(name):
    assert normalize(name) == name


def test_recipes_finds_every_folder_with_a_base_toml():
    found = recipes()
    folders = sorted(p.parent for p in RECIPES.glob("*/base.toml"))
    assert sorted(r.folder for r in found.values()) == folders
    assert "golang:1.27-trixie" in found
    assert found["busybox:latest"].image == "busybox"


def test_each_recipe_folder_is_named_after_its_image_and_holds_a_build_file():
    for key, recipe in recipes().items():
        assert key == normalize(recipe.image)
        assert recipe.slug == recipe.image.replace("/", "-").replace(":", "-")
        assert (recipe.folder / "Dockerfile").is_file(), recipe.slug
        assert recipe.summary, recipe.slug
        assert recipe.differences, recipe.slug


def test_every_recipe_builds_only_on_other_recipes():
    found = recipes()
    for recipe in found.values():
        for base in external_images_of(recipe.folder / "Dockerfile"):
            assert normalize(base) in found, f"{recipe.slug} builds on {base}, which has no recipe"


def test_every_base_a_lab_names_has_a_stand_in_recipe():
    # The README promises labs work offline, without a registry.
    found = recipes()
    for dockerfile in LABS.glob("*/*Dockerfile"):
        for base in external_images_of(dockerfile):
            assert normalize(base) in found, f"{dockerfile} builds on {base}, which has no recipe"


def test_recipes_reads_a_recipe_folder_of_its_own(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "base.toml").write_text('image = "example.org/tools"\n', encoding="utf-8")
    (tmp_path / "not-a-recipe").mkdir()
    assert recipes(tmp_path) == {
        "example.org/tools:latest": Recipe(
            image="example.org/tools", folder=tmp_path / "tools", summary="", differences=()
        )
    }


# recipe_sha256


@pytest.fixture
def recipe(tmp_path: Path) -> Recipe:
    """A copy of a real recipe (one with a prepare.sh) that the test may change."""
    original = recipes()["debian:trixie-slim"]
    folder = shutil.copytree(original.folder, tmp_path / original.slug)
    return dataclasses.replace(original, folder=folder)


BELOW = (
    BaseUse(
        name="debian:trixie-slim", source="stand-in", image="slimlab-base/debian-trixie-slim:abc", image_id="sha256:01"
    ),
)


def test_recipe_sha256_is_the_same_for_the_same_recipe_and_bases(recipe):
    original = recipes()["debian:trixie-slim"]
    assert recipe_sha256(recipe, BELOW) == recipe_sha256(recipe, BELOW) == recipe_sha256(original, BELOW)


def test_recipe_sha256_changes_when_a_recipe_file_changes(recipe):
    first = recipe_sha256(recipe, BELOW)
    with (recipe.folder / "prepare.sh").open("a", encoding="utf-8") as script:
        script.write("\n# changed\n")
    assert recipe_sha256(recipe, BELOW) != first


def test_recipe_sha256_changes_when_a_recipe_file_is_added(recipe):
    first = recipe_sha256(recipe, BELOW)
    (recipe.folder / "extra.conf").write_text("x\n", encoding="utf-8")
    assert recipe_sha256(recipe, BELOW) != first


def test_recipe_sha256_changes_when_a_base_below_gets_a_new_image(recipe):
    first = recipe_sha256(recipe, BELOW)
    rebuilt = (dataclasses.replace(BELOW[0], image_id="sha256:02"),)
    assert recipe_sha256(recipe, rebuilt) != first
    assert recipe_sha256(recipe, ()) != first


def test_recipe_sha256_ignores_the_description_no_build_reads(recipe):
    first = recipe_sha256(recipe, BELOW)
    with (recipe.folder / DESCRIPTION).open("a", encoding="utf-8") as description:
        description.write('runtime_from = "words only"\n')
    assert recipe_sha256(recipe, BELOW) == first


def test_recipe_sha256_ignores_caches_in_the_recipe_folder(recipe):
    first = recipe_sha256(recipe, BELOW)
    (recipe.folder / "__pycache__").mkdir()
    (recipe.folder / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert recipe_sha256(recipe, BELOW) == first


def test_recipe_sha256_is_the_one_of_before_when_the_host_adds_no_ca(recipe):
    assert recipe_sha256(recipe, BELOW, ()) == recipe_sha256(recipe, BELOW)


def test_recipe_sha256_changes_with_the_cas_the_host_adds(recipe):
    first = recipe_sha256(recipe, BELOW)
    proxy = recipe_sha256(recipe, BELOW, (b"proxy-ca",))
    assert first != proxy != recipe_sha256(recipe, BELOW, (b"another-proxy-ca",))
    assert recipe_sha256(recipe, BELOW, (b"a", b"b")) == recipe_sha256(recipe, BELOW, (b"b", b"a"))
