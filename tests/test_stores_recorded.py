"""What the layers page says of the two image stores, checked on every lab's recorded figures (no Docker).

The page (docs/layers.rst, "Read sizes from the layers") says which number each store reports; the table
under it shows the labs' own. Each sentence is a test here, so a re-measurement that no longer bears it
out fails the suite instead of leaving the page wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.model.results import RESULTS_NAME, Results
from checks.model.spec import load
from checks.store.results import read

LABS = Path(__file__).resolve().parent.parent / "labs"


def recorded() -> list[tuple[str, Results]]:
    found = []
    for spec in sorted(LABS.glob("*/lab.toml")):
        lab = load(spec.parent)
        results = read(spec.parent / RESULTS_NAME)
        if lab.stores and results is not None:
            found.append((lab.name, results))
    return found


RECORDED = recorded()


def test_labs_1_and_4_are_recorded_on_both_stores():
    assert {name for name, results in RECORDED if {"classic", "containerd"} <= set(results.stores)} >= {
        "lab-1-base-image",
        "lab-4-go-multistage",
    }


def rows():
    """Each variant built on both stores: those the page's table shows."""
    return [
        pytest.param(results, variant, id=f"{name}-{variant}")
        for name, results in RECORDED
        for variant in results.stores["containerd"].variants
    ]


def every_variant():
    return [
        pytest.param(results, variant, id=f"{name}-{variant}")
        for name, results in RECORDED
        for variant in results.stores["classic"].variants
    ]


@pytest.mark.parametrize(("results", "variant"), every_variant())
def test_the_classic_store_reports_the_files_bytes_in_both_commands(results, variant):
    classic = results.stores["classic"].variants[variant]
    assert classic.listed_bytes == classic.inspect_bytes == classic.size_bytes == results.variants[variant].size_bytes


@pytest.mark.parametrize(("results", "variant"), rows())
def test_the_files_bytes_are_the_same_on_either_store(results, variant):
    stores = results.stores
    assert stores["containerd"].variants[variant].size_bytes == stores["classic"].variants[variant].size_bytes


@pytest.mark.parametrize(("results", "variant"), rows())
def test_image_ls_on_containerd_shows_the_unpacked_snapshots_and_the_compressed_blobs_together(results, variant):
    there = results.stores["containerd"].variants[variant]
    both = there.size_bytes + there.inspect_bytes
    # a snapshot takes whole disk blocks, so a little more than its files' bytes
    assert both <= there.listed_bytes <= 1.2 * both


@pytest.mark.parametrize(("results", "variant"), rows())
def test_inspect_on_containerd_shows_the_compressed_blobs_fewer_bytes_than_the_files(results, variant):
    there = results.stores["containerd"].variants[variant]
    assert there.inspect_bytes < there.size_bytes
    compressed = results.variants[variant].compressed_size_bytes
    if compressed is not None:  # the registry's compressed size, where the main run measured it
        assert abs(there.inspect_bytes - compressed) <= 0.05 * compressed
