"""Reproducibility on a real engine: a variant's build and one more from an empty cache, compared, and the rebuild's
tag removed again.

Builds two small Dockerfiles on the Debian slim base (a stand-in where none can
be pulled), tagged ``slimlab/test-rebuild:*``, labelled as slimlab's own, and
removed afterwards.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from checks.engine import docker, rebuild
from checks.engine.bases import Resolver
from checks.engine.docker import MANAGED_LABEL

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

#: A RUN writes a file at the time of the build: a quick one, so only the rebuild's gap after the variant's
#: build keeps the two out of one second (tar headers keep whole seconds).
STAMPED = "FROM debian:trixie-slim\nRUN echo hello > /hello.txt\n"
#: The file's time set to SOURCE_DATE_EPOCH, the tree copied onto scratch in one step.
CLAMPED = """FROM debian:trixie-slim AS build
ARG SOURCE_DATE_EPOCH
RUN mkdir -p /out/app && echo hello > /out/app/hello.txt \\
    && find /out -exec touch --no-dereference --date="@${SOURCE_DATE_EPOCH}" {} +
FROM scratch
COPY --from=build /out/ /
"""


@pytest.fixture(scope="module")
def contexts():
    resolver = Resolver(echo=lambda line: None)
    return resolver.contexts([resolver.resolve("debian:trixie-slim")])


def request(folder: Path, text: str, name: str, contexts) -> docker.BuildRequest:
    (folder / f"{name}.Dockerfile").write_text(text)
    return docker.BuildRequest(
        dockerfile=folder / f"{name}.Dockerfile",
        context=folder,
        tag=f"slimlab/test-rebuild:{name}",
        labels={MANAGED_LABEL: "true"},
        contexts=contexts,
    )


def tags() -> set[str]:
    listed = subprocess.run(
        ["docker", "images", "slimlab/test-rebuild", "--format", "{{.Repository}}:{{.Tag}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(listed.stdout.split())


@pytest.fixture
def cleanup():
    yield
    subprocess.run(["docker", "rmi", "-f", *tags()], check=False, capture_output=True)


def test_a_file_a_run_writes_makes_two_builds_differ_in_its_time_only(tmp_path, contexts, cleanup):
    stamped = rebuild.with_epoch(request(tmp_path, STAMPED, "stamped", contexts))
    own = docker.build(stamped, echo=lambda line: None).image_id
    found = rebuild.rebuild(stamped, own, what="stamped", echo=lambda line: None)
    assert not found.reproducible
    assert found.only_times
    assert found.image_ids[0] == own
    assert "hello.txt" in {d.path for d in found.differences}
    assert found.source_date_epoch == rebuild.SOURCE_DATE_EPOCH
    assert tags() == {"slimlab/test-rebuild:stamped"}  # the rebuild untagged again, the variant kept


def test_times_set_in_the_build_stage_give_one_image_id_and_the_variant_keeps_its_tag(tmp_path, contexts, cleanup):
    clamped = rebuild.with_epoch(request(tmp_path, CLAMPED, "clamped", contexts))
    own = docker.build(clamped, echo=lambda line: None).image_id
    found = rebuild.rebuild(clamped, own, what="clamped", echo=lambda line: None)
    assert found.reproducible
    assert found.image_ids == (own, own)  # the variant's build and the fresh one agree
    assert (found.differing, found.differences) == (0, ())
    assert tags() == {"slimlab/test-rebuild:clamped"}
