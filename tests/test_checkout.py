"""Each checkout's lab images under a name of its own (checks.model.checkout; no engine needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.model.checkout import HERE, ID_DIGITS, Checkout

# Docker's grammar for a name (distribution/reference): lowercase path components joined by separators,
# and a tag of word characters, dots and dashes, at most 128 long.
COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
REFERENCE = re.compile(rf"{COMPONENT}(?:/{COMPONENT})*:[\w][\w.-]{{0,127}}")

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_s_id_is_eight_hex_digits_of_its_folder_the_same_on_every_run(tmp_path):
    assert re.fullmatch(rf"[0-9a-f]{{{ID_DIGITS}}}", Checkout.at(tmp_path).id)
    assert Checkout.at(tmp_path) == Checkout.at(tmp_path)


def test_two_folders_are_two_checkouts(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert Checkout.at(tmp_path / "a").id != Checkout.at(tmp_path / "b").id


def test_a_folder_reached_through_a_symlink_or_a_relative_path_is_the_same_checkout(tmp_path, monkeypatch):
    (tmp_path / "slimlab").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "slimlab")
    monkeypatch.chdir(tmp_path)
    assert Checkout.at(tmp_path / "link") == Checkout.at(Path("slimlab")) == Checkout.at(tmp_path / "slimlab")


def test_the_checker_s_own_checkout_is_the_folder_that_holds_checks():
    assert Checkout.at(ROOT) == HERE


def test_a_lab_image_is_named_in_the_checkout_s_namespace_with_the_variant_as_its_tag():
    here = Checkout("0123abcd")
    assert here.namespace == "slimlab-0123abcd"
    assert here.repository("lab-4-go-multistage") == "slimlab-0123abcd/lab-4-go-multistage"
    assert here.tag("lab-4-go-multistage", "after") == "slimlab-0123abcd/lab-4-go-multistage:after"


@pytest.mark.parametrize(
    ("lab", "variant"),
    [
        ("lab-4-go-multistage", "after"),
        ("lab-4-go-multistage", "after-rebuild"),
        ("lab-7-updates", "after-release-3"),
        ("lab-4-go-multistage-grade", "yours"),
        ("test-analyze-lab-4", "note-alpine"),
    ],
)
def test_every_name_a_checkout_gives_is_one_docker_accepts(tmp_path, lab, variant):
    assert REFERENCE.fullmatch(Checkout.at(tmp_path).tag(lab, variant))


@pytest.mark.parametrize(
    ("ref", "owned"),
    [
        ("slimlab-0123abcd/lab-4:after", True),
        ("slimlab-0123abcd/lab-4-grade:yours", True),
        ("127.0.0.1:5000/slimlab-0123abcd/lab-4:after", True),  # a push's tag: ours too
        ("localhost/slimlab-0123abcd/lab-4:after", True),
        ("slimlab-4567ef01/lab-4:after", False),  # another checkout's
        ("slimlab/lab-4:after", False),  # from before checkouts had names of their own
        ("slimlab-base/golang-1.27-trixie:56997237e832", False),  # stand-ins are every checkout's
        ("slimlab-0123abcd-x/lab-4:after", False),
        ("example/slimlab-0123abcd/lab-4:after", False),  # a user's repository that only contains the name
        ("mine:latest", False),
    ],
)
def test_a_checkout_owns_only_names_in_its_own_namespace(ref, owned):
    assert Checkout("0123abcd").owns(ref) is owned
