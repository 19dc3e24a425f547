"""End-to-end: `python -m checks verify` on real builds (needs a Docker engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import own_containers, run_checks

from checks.model.progress import BUILDS

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]


@pytest.fixture
def throwaway(lab_copy):
    """A copy of a lab under its own folder name; its images are removed afterwards."""
    made: list[Path] = []

    def copy(lab: str, name: str) -> Path:
        made.append(lab_copy(lab, name))
        return made[-1]

    yield copy
    for folder in made:
        run_checks("clean", "--lab", folder.name)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path} no longer contains {old!r}: update the test"
    path.write_text(text.replace(old, new))


def test_lab_4_verifies_end_to_end_and_records_its_measurement(lab_copy):
    lab = lab_copy("lab-4")
    done = run_checks("verify", str(lab), env={"SLIMLAB_STORES": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads((lab / "results.json").read_text())
    before, after = data["variants"]["before"], data["variants"]["after"]
    assert after["size_bytes"] <= 0.02 * before["size_bytes"]
    assert len(after["layers"]) >= 2
    assert all("created_by" in layer for layer in after["layers"])
    assert [c["id"] for c in data["claims"] if not c["passed"]] == []
    assert data["smoke"]["after"]["stdout"] == data["smoke"]["before"]["stdout"]
    assert "GET / -> 200" in data["smoke"]["after"]["stdout"]
    assert data["bases"]["golang:1.27-trixie"]["source"] in {"official", "stand-in"}
    # BuildKit's progress, as recorded: the shipped build ran no step of the tests, --target test none of build's
    assert data["variants"]["stages"]["stages"]["test"] == 0 < data["variants"]["stages"]["stages"]["build"]
    assert data["variants"]["stages-test"]["stages"]["build"] == 0 < data["variants"]["stages-test"]["stages"]["test"]
    assert "L4.1" in done.stdout
    assert "0." in done.stdout
    # Built and judged again on the other image store, by a second engine: the same files' bytes there
    stores = data["stores"]
    assert set(stores) == {"classic", "containerd"}
    classic, containerd = stores["classic"]["variants"], stores["containerd"]["variants"]
    assert classic.keys() == data["variants"].keys()
    assert containerd.keys() == {"before", "after"}  # what the layers page shows
    assert {n: f["size_bytes"] for n, f in containerd.items()} == {n: classic[n]["size_bytes"] for n in containerd}
    assert containerd["before"]["image_id"] != classic["before"]["image_id"]  # the manifest's digest there
    judged = {c["id"]: c["passed"] for c in stores["containerd"]["claims"]}
    assert {"L4.1", "L4.2", "L4.4"} <= judged.keys()
    assert all(judged.values())
    assert "on the containerd image store," in done.stdout


def test_a_second_verify_with_nothing_changed_rebuilds_nothing(lab_copy):
    lab = lab_copy("lab-4")
    assert run_checks("verify", str(lab)).returncode == 0
    first = (lab / "results.json").read_bytes()
    again = run_checks("verify", str(lab))
    assert again.returncode == 0
    assert "not rebuilt" in again.stdout
    assert (lab / "results.json").read_bytes() == first


def test_a_claim_made_false_exits_1_and_points_to_its_section(throwaway):
    lab = throwaway("lab-4", "lab-4-rootful")
    edit(lab / "after.Dockerfile", "USER 65532:65532\n", "")
    done = run_checks("verify", str(lab))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "claim L4.4 does not hold" in done.stderr
    assert "multi-stage.html#l4-4" in done.stderr
    data = json.loads((lab / "results.json").read_text())
    assert {c["id"]: c["passed"] for c in data["claims"]}["L4.4"] is False


def test_a_shipped_stage_that_copies_from_the_test_stage_makes_the_build_run_the_tests(throwaway):
    lab = throwaway("lab-4", "lab-4-tests-shipped")
    shipped = "COPY --from=build /out/greeter /greeter\n"
    edit(lab / "stages.Dockerfile", shipped, shipped + "COPY --from=test /src/go.mod /go.mod\n")
    # Reproducibility is not what this edit breaks; one more build of after would only add minutes.
    done = run_checks("verify", str(lab), env={"SLIMLAB_REBUILD": "0"})
    assert done.returncode == 1, done.stderr[-3000:]
    assert "claim L4.15 does not hold" in done.stderr
    assert "test 1, stage-3 4; stages left out: none" in done.stderr


def test_a_dockerfile_that_does_not_build_exits_2_naming_the_failing_step(throwaway):
    lab = throwaway("lab-4", "lab-4-nobuild")
    edit(
        lab / "before.Dockerfile",
        "RUN go build -o /usr/local/bin/greeter .",
        "RUN go build -o /usr/local/bin/greeter ./missing",
    )
    done = run_checks("verify", str(lab))
    assert done.returncode == 2
    assert "before.Dockerfile: the build failed at" in done.stderr
    assert "RUN go build -o /usr/local/bin/greeter ./missing" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (lab / "results.json").exists()


def test_a_hung_smoke_test_exits_2_and_leaves_no_container(throwaway):
    lab = throwaway("lab-4", "lab-4-hang")
    edit(lab / "lab.toml", 'args = ["-selfcheck"]', 'args = ["-addr", "127.0.0.1:8080"]')
    edit(lab / "lab.toml", "timeout = 60", "timeout = 3")
    done = run_checks("verify", str(lab))
    assert done.returncode == 2
    assert "did not finish within 3s" in done.stderr
    assert "lab.toml" in done.stderr
    assert "Traceback" not in done.stderr
    assert own_containers() == []


def test_two_labs_build_side_by_side_before_either_turn_and_no_build_runs_after(lab_copy, tmp_path):
    first, second = lab_copy("lab-4", "lab-4-early-a"), lab_copy("lab-4", "lab-4-early-b")
    try:
        done = run_checks("verify", "--events", str(tmp_path / "events.jsonl"), str(first), str(second))
        assert done.returncode == 0, done.stderr[-3000:]
        events = [json.loads(text) for text in (tmp_path / "events.jsonl").read_text().splitlines()]
        end = next(n for n, event in enumerate(events) if event["event"] == "early-done")
        assert events[end]["labs"] == 2
        builds = [n for n, event in enumerate(events) if event["event"] == "step" and event["phase"] == BUILDS]
        assert {events[n]["lab"] for n in builds} == {first.name, second.name}
        assert max(builds) < end  # every build before the turns, so none beside a timed pull
        lines = [str(event["text"]) for event in events]
        for lab in (first, second):
            said = [line for line in lines[end:] if line.startswith(f"{lab.name}: before, after, ")]
            assert said, f"{lab.name}'s turn does not say its variants were measured early"
            assert said[0].endswith("built, smoke-tested and analyzed earlier, beside other builds")
            data = json.loads((lab / "results.json").read_text())
            assert [c["id"] for c in data["claims"] if not c["passed"]] == []
    finally:
        for lab in (first, second):
            run_checks("clean", "--lab", lab.name)
