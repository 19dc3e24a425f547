"""Variants measured early, beside other builds, and what a lab's turn then does with them (builds faked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import docker, images, rebuild
from checks.measure import build, source
from checks.model.claims.rebuild import Reproducible
from checks.model.claims.sizes import SizeRatio
from checks.model.errors import UsageError
from checks.model.filetree import Node
from checks.model.measured import Measured, Rebuild
from checks.model.results import AnalysisSummary, BaseUse, Results
from checks.model.settings import Settings
from checks.model.spec import Claim, Lab, Variant
from checks.run import early as schedule
from checks.run import standing, variants, verify

LAB = Lab(
    name="lab-9-demo",
    title="t",
    page="p",
    variants=tuple(Variant(name=n, dockerfile=f"{n}.Dockerfile") for n in ("before", "after")),
    claims=(
        Claim(id="L9.1", text="Small.", check=SizeRatio(variant="after", of="before", max=0.5)),
        Claim(id="L9.2", text="Same.", check=Reproducible(variant="after")),
    ),
)
NEW = Rebuild(source_date_epoch=1, image_ids=("sha256:new", "sha256:new"))


class FakeResolver:
    settings = Settings(floor=False)

    def contexts(self, uses):
        return {}

    def base_layers(self, name):
        return ()


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The variant of each build and of each rebuild ("again <variant>"), in order; no Docker."""
    seen: list[str] = []

    def measure(lab, folder, variant, request, **_):
        seen.append(variant.name)
        return Measured(image_id=f"sha256:{variant.name}", size_bytes=1, layer_count=1)

    def again(request, own, *, what, echo, **_):
        seen.append("again " + what.rsplit(" ", 1)[-1])
        return NEW

    monkeypatch.setattr(build, "probe", measure)
    monkeypatch.setattr(rebuild, "rebuild", again)
    monkeypatch.setattr(docker, "containerd_store", lambda: False)
    return seen


def measure_all(folder: Path, **options) -> dict[str, Measured]:
    for variant in LAB.variants:
        (folder / variant.dockerfile).write_text("FROM scratch\nCOPY app /\n")
    return variants.measure_all(
        LAB, folder, folder, [], resolver=FakeResolver(), builder=None, echo=lambda line: None,
        previous=None, **options,
    )  # fmt: skip


def test_measuring_early_builds_every_variant_and_leaves_the_rebuilds_to_the_lab_s_turn(builds, tmp_path):
    measured = measure_all(tmp_path, variants_only=True)
    assert builds == ["before", "after"]
    assert all(m.rebuild is None for m in measured.values())


def test_a_turn_takes_the_variants_measured_early_and_builds_only_the_rest(builds, tmp_path):
    early = {"before": Measured(image_id="sha256:early", size_bytes=9, layer_count=1)}
    measured = measure_all(tmp_path, early=early)
    assert builds == ["after", "again after"]  # the rebuild runs in the turn, in order
    assert measured["before"] is early["before"]


def test_a_turn_raises_what_measuring_its_lab_early_raised():
    failure = UsageError("lab-9-demo/before.Dockerfile: the build failed at step 3")
    with pytest.raises(UsageError, match="the build failed at step 3"):
        verify.verify(Path("nowhere"), resolver=FakeResolver(), echo=print, early=failure)  # type: ignore[arg-type]


def test_a_lab_whose_spec_does_not_load_is_left_to_its_turn(tmp_path):
    (tmp_path / "lab.toml").write_text("[lab\n")
    assert schedule.measure_early(tmp_path, resolver=FakeResolver(), echo=print) is None  # type: ignore[arg-type]
    assert schedule._groups_of(tmp_path) == []


# --- a lab measured in groups, each as soon as the bases its variants name exist -------------------------


def three_bases_lab(folder: Path) -> Path:
    """before and slim on one base, after on two, alpine on a third: three groups."""
    dockerfiles = {
        "before": "FROM python:3.13-trixie\n",
        "after": "FROM python:3.13-trixie AS build\nFROM python:3.13-slim-trixie\nCOPY --from=build /x /x\n",
        "alpine": "FROM python:3.13-alpine AS build\nFROM python:3.13-alpine\n",
        "slim": "FROM python:3.13-trixie\nRUN true\n",
    }
    for name, text in dockerfiles.items():
        (folder / f"{name}.Dockerfile").write_text(text)
    (folder / "lab.toml").write_text(
        '[lab]\ntitle = "t"\npage = "p"\n\n'
        + "".join(f"[variants.{name}]\n" for name in dockerfiles)
        + '\n[[claims]]\nid = "L9.1"\nkind = "max_layers"\ntext = "Few."\nvariant = "after"\nmax = 5\n'
    )
    return folder


def test_a_lab_s_variants_are_grouped_by_the_bases_they_name_in_the_lab_s_order(tmp_path):
    folder = three_bases_lab(tmp_path)
    assert schedule._groups_of(folder) == [
        (("python:3.13-trixie",), ("before", "slim")),
        (("python:3.13-trixie", "python:3.13-slim-trixie"), ("after",)),
        (("python:3.13-alpine",), ("alpine",)),
    ]


def part(digest: str, bases: dict[str, str], *names: str) -> schedule.Early:
    measured = {n: Measured(image_id=f"sha256:{n}", size_bytes=1, layer_count=1) for n in names}
    return schedule.Early(digest=digest, bases=bases, measured=measured, analysis={})


def test_two_parts_of_a_lab_make_one_that_holds_only_for_the_bases_each_was_measured_on():
    whole = part("d", {"a": "sha256:1"}, "before") | part("d", {"b": "sha256:2"}, "after")
    assert set(whole.measured) == {"before", "after"}
    uses = [BaseUse(name="a", source="official", image="a", image_id="sha256:1")]
    same = [*uses, BaseUse(name="b", source="official", image="b", image_id="sha256:2")]
    assert whole.holds_for("d", [*same, BaseUse(name="c", source="official", image="c", image_id="sha256:3")])
    assert not whole.holds_for("other inputs", same)
    moved = [*uses, BaseUse(name="b", source="official", image="b", image_id="sha256:moved")]
    assert not whole.holds_for("d", moved)


class RunningResolver(FakeResolver):
    """Runs each job once its bases are "built", in the order given by ``built`` (no Docker)."""

    def __init__(self, built: list[str]):
        self.built, self.ran = built, []

    def prepare(self, names, jobs, stop):
        done: set[str] = set()
        waiting = dict(jobs)
        for base in [None, *self.built]:
            done |= {base} if base else set()
            for name, (needs, run) in list(waiting.items()):
                if set(needs) <= done:
                    del waiting[name]
                    self.ran.append(name)
                    run()
        assert not waiting


def test_each_group_runs_once_its_bases_exist_and_the_lab_s_answer_is_its_parts_together(tmp_path, monkeypatch):
    folder = three_bases_lab(tmp_path)
    asked = []

    def early(folder, *, group, **_):
        asked.append(group)
        bases, names = group
        return part("d", dict.fromkeys(bases, "sha256:x"), *names)

    monkeypatch.setattr(schedule, "measure_early", early)
    resolver = RunningResolver(["python:3.13-trixie", "python:3.13-slim-trixie", "python:3.13-alpine"])
    found = schedule.measure_early_all([folder], resolver, echo=lambda line: None)  # type: ignore[arg-type]
    assert resolver.ran == [
        f"lab {folder.name} (before, slim)",
        f"lab {folder.name} (after)",
        f"lab {folder.name} (alpine)",
    ]
    answer = found[folder]
    assert isinstance(answer, schedule.Early)
    assert list(answer.measured) == ["before", "slim", "after", "alpine"]
    assert set(answer.bases) == {"python:3.13-trixie", "python:3.13-slim-trixie", "python:3.13-alpine"}


@pytest.mark.parametrize("failing", ["before", "alpine"])
def test_a_group_that_fails_makes_the_lab_s_answer_its_error_whichever_ran_first(tmp_path, monkeypatch, failing):
    folder = three_bases_lab(tmp_path)
    failure = UsageError(f"{failing}.Dockerfile: the build failed")

    def early(folder, *, group, **_):
        bases, names = group
        if failing in names:
            raise failure
        return part("d", dict.fromkeys(bases, "sha256:x"), *names)

    monkeypatch.setattr(schedule, "measure_early", early)
    resolver = RunningResolver(["python:3.13-trixie", "python:3.13-slim-trixie", "python:3.13-alpine"])
    assert schedule.measure_early_all([folder], resolver, echo=lambda line: None)[folder] is failure  # type: ignore[arg-type]


def test_a_group_whose_results_stand_leaves_the_others_as_measured(tmp_path, monkeypatch):
    folder = three_bases_lab(tmp_path)

    def early(folder, *, group, **_):
        bases, names = group
        return None if "alpine" in names else part("d", dict.fromkeys(bases, "sha256:x"), *names)

    monkeypatch.setattr(schedule, "measure_early", early)
    resolver = RunningResolver(["python:3.13-alpine", "python:3.13-trixie", "python:3.13-slim-trixie"])
    answer = schedule.measure_early_all([folder], resolver, echo=lambda line: None)[folder]  # type: ignore[arg-type]
    assert isinstance(answer, schedule.Early)
    assert set(answer.measured) == {"before", "slim", "after"}


def test_a_turn_builds_only_the_variants_no_group_measured_early(builds, tmp_path):
    early = {"after": Measured(image_id="sha256:early", size_bytes=9, layer_count=1)}
    measure_all(tmp_path, early=early)
    assert builds == ["before", "again after"]


def test_measuring_one_group_early_builds_only_its_variants(builds, tmp_path):
    measured = measure_all(tmp_path, variants_only=True, only={"after"})
    assert builds == ["after"]
    assert list(measured) == ["after"]


def test_a_group_stands_when_its_own_bases_and_images_are_the_recorded_ones(monkeypatch):
    def use(name: str, image_id: str) -> BaseUse:
        return BaseUse(name=name, source="official", image=name, image_id=image_id)

    recorded = Results(
        lab=LAB.name,
        title="t",
        inputs_sha256="d",
        measured_at="2026-12-04T00:00:00+00:00",
        engine={},
        bases=(use("a", "sha256:1"), use("b", "sha256:2")),
        variants={n: Measured(image_id=f"sha256:{n}", size_bytes=1, layer_count=1) for n in ("before", "after")},
        claims=(),
        analysis={
            n: AnalysisSummary(wasted_bytes=0, efficiency=1.0, classes={}, tree=Node(name="", size_bytes=1))
            for n in ("before", "after")
        },
    )
    tagged = {
        source.image_tag(LAB, LAB.variant("before")): "sha256:before",
        source.image_tag(LAB, LAB.variant("after")): "sha256:gone",
    }
    monkeypatch.setattr(images, "inspect_image", lambda tag: {"Id": tagged[tag]})
    settings = Settings(rebuild=False)
    assert standing.up_to_date(LAB, recorded, "d", [use("a", "sha256:1")], settings, None, {"before"})
    assert not standing.up_to_date(LAB, recorded, "d", [use("a", "sha256:1")], settings, None, {"after"})
    assert not standing.up_to_date(LAB, recorded, "d", [use("a", "sha256:moved")], settings, None, {"before"})
    assert not standing.up_to_date(LAB, recorded, "d", [use("a", "sha256:1")], settings, None)  # b is not there


def test_a_turn_names_the_variants_measured_early_in_the_lab_s_order_whichever_group_ended_first(builds, tmp_path):
    for variant in LAB.variants:
        (tmp_path / variant.dockerfile).write_text("FROM scratch\nCOPY app /\n")
    lines: list[str] = []
    early = {n: Measured(image_id=f"sha256:{n}", size_bytes=1, layer_count=1) for n in ("after", "before")}
    variants.measure_all(
        LAB, tmp_path, tmp_path, [], resolver=FakeResolver(), builder=None, echo=lines.append, previous=None,
        early=early,
    )  # fmt: skip
    assert "lab-9-demo: before, after built, smoke-tested and analyzed earlier, beside other builds" in lines
