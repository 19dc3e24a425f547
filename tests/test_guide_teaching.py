"""checks.guide.teaching: which labs make the front page's headline results, and a task's first sentence."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from checks.guide.teaching import short_task, top_reductions


def lab(before: int, after: int, **more: int) -> SimpleNamespace:
    sizes = {"before": before, "after": after, **more}
    return SimpleNamespace(variants={name: SimpleNamespace(size_bytes=size) for name, size in sizes.items()})


def test_the_headline_results_are_the_smallest_shares_of_before_smallest_first():
    recorded = {"a": lab(100, 50), "b": lab(100, 1), "c": lab(1000, 100), "d": lab(100, 90)}
    assert top_reductions(recorded, 3) == ["b", "c", "a"]


def test_of_two_equal_shares_the_one_that_saves_more_bytes_comes_first():
    assert top_reductions({"small": lab(100, 10), "large": lab(1000, 100)}, 2) == ["large", "small"]


def test_a_lab_without_before_and_after_is_never_a_headline_result():
    recorded = {"a": lab(100, 50), "odd": SimpleNamespace(variants={"full": SimpleNamespace(size_bytes=1)})}
    assert top_reductions(recorded, 3) == ["a"]


@pytest.mark.parametrize(
    ("task", "short"),
    [
        (
            "Make this image at most 2% of its size with a multi-stage build: the same answer, no toolchain.",
            "Make this image at most 2% of its size with a multi-stage build.",
        ),
        ("Make this image at most a tenth of its size.", "Make this image at most a tenth of its size."),
        (
            "用多阶段构建把这个镜像缩小到原来大小的 2% 以内：应答不变。",
            "用多阶段构建把这个镜像缩小到原来大小的 2% 以内。",
        ),
    ],
    ids=["colon", "one-sentence", "chinese"],
)
def test_the_try_box_shows_the_task_up_to_its_first_colon(task: str, short: str):
    assert short_task(task) == short
