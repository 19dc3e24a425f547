"""Which stand-in to build next, the bench's build times, and Resolver.prepare building two at a time."""

from __future__ import annotations

import threading
import time

import pytest

from checks.engine import bases
from checks.engine.bases import Resolver
from checks.model.errors import UsageError
from checks.model.results import BaseUse
from checks.model.standins import build_seconds, chain_seconds, next_build

#: The real shape: everything builds on debian:trixie-slim; python:3.13-alpine on alpine on it.
WAITING = {
    "debian:trixie-slim": (),
    "alpine": ("debian:trixie-slim",),
    "busybox": ("debian:trixie-slim",),
    "python:3.13-alpine": ("debian:trixie-slim", "alpine"),
}
SECONDS = {"python:3.13-alpine": 280.0, "alpine": 6.0, "busybox": 5.0, "debian:trixie-slim": 40.0}


def test_only_a_base_whose_own_bases_are_done_is_ready():
    assert next_build(WAITING, set(), SECONDS) == "debian:trixie-slim"
    assert next_build({"python:3.13-alpine": WAITING["python:3.13-alpine"]}, {"debian:trixie-slim"}, SECONDS) is None


def test_the_longest_chain_goes_first_even_when_its_first_build_is_quick():
    waiting = {name: below for name, below in WAITING.items() if name != "debian:trixie-slim"}
    waiting["python:3.13-trixie"] = ("debian:trixie-slim",)
    seconds = {**SECONDS, "python:3.13-trixie": 50.0}
    # alpine alone takes 6 s, but python:3.13-alpine's 280 s wait for it: 286 s against 50
    assert next_build(waiting, {"debian:trixie-slim"}, seconds) == "alpine"
    del waiting["alpine"]
    assert next_build(waiting, {"debian:trixie-slim", "alpine"}, seconds) == "python:3.13-alpine"


def test_a_chain_counts_its_own_seconds_and_the_longest_chain_above_it():
    assert chain_seconds(WAITING, SECONDS) == {
        "debian:trixie-slim": 40.0 + 6.0 + 280.0,
        "alpine": 286.0,
        "busybox": 5.0,
        "python:3.13-alpine": 280.0,
    }


def test_a_chain_in_a_circle_ends_instead_of_recursing_forever():
    chains = chain_seconds({"a": ("b",), "b": ("a",)}, {"a": 1.0, "b": 2.0})
    assert set(chains) == {"a", "b"}
    assert all(value <= 3.0 for value in chains.values())


def test_without_measurements_the_order_is_by_name():
    waiting = {"busybox": (), "alpine": ()}
    assert next_build(waiting, set(), {}) == "alpine"


def test_an_unmeasured_build_goes_after_every_measured_one():
    assert next_build({"alpine": (), "zz": ()}, set(), {"zz": 1.0}) == "zz"


def test_build_seconds_reads_the_bench_file_and_ignores_what_is_not_a_number():
    data = {"bases": {"alpine": 6.2, "busybox": 5, "odd": "fast"}}
    assert build_seconds(data) == {"alpine": 6.2, "busybox": 5.0}
    assert build_seconds(None) == {}


# Resolver.prepare, with resolve() replaced: no Docker


@pytest.fixture
def resolver(monkeypatch, tmp_path):
    """A Resolver over recipes of the WAITING shape whose resolve() takes SECONDS / 1000 and records overlap."""
    monkeypatch.setattr(
        bases, "external_images_of", lambda dockerfile: list(WAITING[dockerfile.parent.name.replace("_", ":")])
    )
    recipes = {}
    for name in WAITING:
        folder = tmp_path / name.replace(":", "_")
        folder.mkdir()
        recipes[bases.normalize(name)] = bases.Recipe(image=name, folder=folder, summary="", differences=())
    monkeypatch.setattr(bases, "recipes", lambda: recipes)
    found = Resolver(echo=lambda line: None)
    found.started, found.overlap, found.fail = [], [0, 0], set()
    lock = threading.Lock()

    def resolve(name: str) -> BaseUse:
        if name in found._known:
            return found._known[name]
        with lock:
            found.started.append(name)
            found.overlap[0] += 1
            found.overlap[1] = max(found.overlap)
        time.sleep(SECONDS[name] / 1000)
        with lock:
            found.overlap[0] -= 1
        if name in found.fail:
            raise UsageError(f"{name} did not build")
        found._known[name] = BaseUse(name=name, source="stand-in", image=f"slimlab-base/{name}", image_id="sha256:x")
        return found._known[name]

    monkeypatch.setattr(found, "resolve", resolve)
    timings = tmp_path / "standin-timings.json"
    timings.write_text('{"bases": {"python:3.13-alpine": 280.0, "alpine": 6.0, "busybox": 5.0}}')
    found.timings = timings
    return found


def test_prepare_resolves_every_base_below_the_names_two_at_a_time(resolver):
    resolver.prepare(["python:3.13-alpine", "busybox"], timings=resolver.timings)
    assert resolver.started[0] == "debian:trixie-slim"
    assert set(resolver.started) == set(WAITING)
    assert resolver.overlap[1] == bases.PARALLEL_BUILDS


def test_prepare_starts_the_slow_build_as_soon_as_its_bases_exist(resolver):
    resolver.prepare(["busybox", "python:3.13-alpine"], timings=resolver.timings)
    # alpine's chain (with python:3.13-alpine) before busybox; python:3.13-alpine as soon as alpine is done
    assert resolver.started == ["debian:trixie-slim", "alpine", "busybox", "python:3.13-alpine"]


def test_prepare_lets_the_running_build_finish_and_raises_the_failure(resolver):
    resolver.fail.add("alpine")
    with pytest.raises(UsageError, match="alpine did not build"):
        resolver.prepare(["python:3.13-alpine", "busybox"], timings=resolver.timings)
    assert "busybox" in resolver._known
    assert "python:3.13-alpine" not in resolver.started


def test_prepare_refuses_recipes_that_build_on_each_other(resolver, monkeypatch):
    monkeypatch.setattr(
        bases, "external_images_of", lambda dockerfile: ["busybox" if "alpine" in str(dockerfile) else "alpine"]
    )
    with pytest.raises(UsageError, match="in a circle"):
        resolver.prepare(["alpine"], timings=resolver.timings)


def test_a_job_goes_after_every_stand_in_that_is_ready_with_it():
    waiting = {"lab lab-1": ("alpine",), "busybox": ("debian:trixie-slim",)}
    done = {"debian:trixie-slim", "alpine"}
    assert next_build(waiting, done, {}, last={"lab lab-1"}) == "busybox"
    assert next_build({"lab lab-1": ("alpine",)}, done, {}, last={"lab lab-1"}) == "lab lab-1"


def test_prepare_runs_each_job_in_the_same_slots_once_its_bases_are_resolved(resolver):
    ran = []

    def job(name: str):
        def run() -> None:
            ran.append((name, sorted(resolver._known)))

        return run

    resolver.prepare(
        ["busybox"],
        timings=resolver.timings,
        jobs={"lab one": (["python:3.13-alpine"], job("one")), "lab two": (["busybox"], job("two"))},
    )
    assert set(resolver.started) == set(WAITING)  # python:3.13-alpine is resolved for the job's sake
    assert {name for name, _ in ran} == {"one", "two"}
    for name, known in ran:
        assert ("python:3.13-alpine" if name == "one" else "busybox") in known
    assert resolver.overlap[1] <= bases.PARALLEL_BUILDS


def test_prepare_raises_what_a_job_raised_after_the_running_ones_finish(resolver):
    def job() -> None:
        raise UsageError("the job failed")

    with pytest.raises(UsageError, match="the job failed"):
        resolver.prepare(["busybox"], timings=resolver.timings, jobs={"lab one": ([], job)})
    # the stand-in that was building beside the job is let finish; none starts after the failure
    assert "debian:trixie-slim" in resolver._known
    assert "busybox" not in resolver.started


def test_a_failing_stand_in_sets_stop_so_that_a_long_job_beside_it_ends_early(resolver):
    resolver.fail.add("busybox")
    stop, saw = threading.Event(), []

    def job() -> None:  # a lab measuring many variants: it looks at stop between them
        saw.append(stop.wait(timeout=10))

    with pytest.raises(UsageError, match="busybox did not build"):
        resolver.prepare(
            ["busybox"], timings=resolver.timings, jobs={"lab one": (["debian:trixie-slim"], job)}, stop=stop
        )
    assert saw == [True]
