"""checks.model.links: one place turns an id into the guide section and URL that explain it."""

from __future__ import annotations

import pytest

from checks.model.links import DEFAULT_DOCS_URL, Section, anchor, section


@pytest.mark.parametrize(
    ("stable_id", "expected"),
    [("L4.1", "l4-1"), ("L12.10", "l12-10"), ("DL3009", "dl3009"), ("build-toolchain", "build-toolchain")],
)
def test_an_anchor_is_the_id_in_lower_case_with_dots_as_dashes(stable_id, expected):
    assert anchor(stable_id) == expected


@pytest.mark.parametrize("base", ["https://example.org/slimlab", "https://example.org/slimlab/"])
def test_a_url_joins_base_page_and_anchor_with_one_slash(base):
    assert section("multi-stage", "L4.1").url(base) == "https://example.org/slimlab/multi-stage.html#l4-1"


def test_without_a_base_a_url_points_into_the_locally_rendered_guide():
    assert Section("layers", "dl3059").url() == f"{DEFAULT_DOCS_URL}/layers.html#dl3059"
