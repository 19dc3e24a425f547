"""``python -m checks analyze`` with budgets and formats, on archives made here (no engine is contacted)."""

from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from analyze_images import directory, docker_archive, file, whiteout
from test_junit import assert_common_junit_shape
from test_sarif import assert_valid_sarif

from checks import cli

#: Every budget, each with a limit the image below keeps.
KEPT = (
    "--max-size",
    "20MB",
    "--max-layers",
    "2",
    "--min-efficiency",
    "0%",
    "--max-wasted-bytes",
    "10MB",
    "--max-wasted-percent",
    "1",
)


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """An image of 11 MB in two layers: a file deleted later, a file written twice, a .env with a token."""
    layers = [
        [directory("a"), file("a/big", 5_000_000), file("etc/conf", 100)],
        [
            directory("a"),
            whiteout("a/big"),
            file("etc/conf", 200),
            file("root/.env", b"API_TOKEN=abcdefghij12345\n"),
            file("srv/app", 6_000_000),
        ],
    ]
    path = tmp_path / "app.tar"
    path.write_bytes(docker_archive(layers, tag="app:1", history=["ADD rootfs.tar /", "RUN make"]))
    return path


def analyze(capsys, *argv: str | Path) -> tuple[int, str, str]:
    code = cli.main(["analyze", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_without_budgets_the_exit_code_stays_0_whatever_the_findings(image, capsys):
    code, out, _ = analyze(capsys, image)
    assert code == 0
    assert "  budgets:" not in out


def test_budgets_kept_exit_0_and_the_text_report_ends_with_their_verdicts(image, capsys):
    code, out, err = analyze(capsys, image, *KEPT)
    assert code == 0
    tail = out.rstrip("\n").splitlines()[-6:]
    assert tail[0] == "  budgets: 5 of 5 budgets kept"
    assert tail[1] == "    PASS highestSizeBytes (--max-size 20MB): size 11.0 MB, at or below the limit 20.0 MB"
    assert "budget" not in err  # the verdicts are in the report already


def test_a_broken_budget_exits_1_and_names_each_broken_rule_its_limit_and_the_measured_figure(image, capsys):
    code, out, err = analyze(capsys, image, "--max-size", "1MB", "--max-layers", "1", "--no-secrets", "--json")
    assert code == 1
    assert "FAIL highestSizeBytes (--max-size 1MB): size 11.0 MB, over the limit 1.0 MB" in err
    assert "FAIL highestLayerCount (--max-layers 1): layers 2, over the limit 1" in err
    assert "FAIL noSecrets (--no-secrets): 1 secret-looking finding(s), where none is allowed" in err
    assert f"slimlab: {image}: 0 of 3 budgets kept, 3 broken." in err
    assert json.loads(out)["budgets"]["kept"] is False


def test_the_json_keeps_its_fields_and_ends_with_the_budgets_and_json_is_format_json(image, capsys):
    _, plain, _ = analyze(capsys, image, "--json")
    _, given, _ = analyze(capsys, image, "--format", "json", "--max-layers", "2")
    before, after = json.loads(plain), json.loads(given)
    assert list(before)[:5] == ["image", "image_id", "source", "notes", "size_bytes"]
    assert list(before)[-2:] == ["secrets", "budgets"]
    assert {k: v for k, v in after.items() if k != "budgets"} == {k: v for k, v in before.items() if k != "budgets"}
    assert before["budgets"] == {"kept": True, "rules": []}
    assert after["budgets"]["rules"][0]["rule"] == "highestLayerCount"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--max-size", "5XB"), "--max-size '5XB' is not a size."),
        (("--min-efficiency", "95"), "--min-efficiency '95' is not a ratio from 0 to 1."),
        (("--max-wasted-percent", "120%"), "--max-wasted-percent '120%' is not a ratio from 0 to 1."),
        (("--max-layers", "many"), "--max-layers 'many' is not a whole number."),
        (("--json", "--format", "junit"), "--json is short for --format json"),
        (("--dockerfile", "no/such/Dockerfile"), "--dockerfile no/such/Dockerfile cannot be read"),
    ],
)
def test_a_bad_value_is_one_paragraph_and_exit_2_before_any_image_is_read(argv, said, tmp_path, capsys):
    code, out, err = analyze(capsys, tmp_path / "no-such-image.tar", *argv)
    assert code == 2
    assert out == ""
    paragraph = err.strip()
    assert paragraph.startswith(f"slimlab: {said}")
    assert "\n" not in paragraph
    assert "no-such-image" not in paragraph


def test_the_report_goes_to_the_output_file_whole_with_an_ordinary_file_s_mode(image, tmp_path, capsys):
    target = tmp_path / "reports" / "junit.xml"
    target.parent.mkdir()
    code, out, err = analyze(capsys, image, "--max-size", "1MB", "--format", "junit", "--output", target)
    assert code == 1
    assert out == ""
    root = assert_common_junit_shape(target.read_text(encoding="utf-8"))
    assert root.find("testsuite/testcase/failure") is not None
    assert "FAIL highestSizeBytes" in err
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in target.parent.iterdir()) == ["junit.xml"]


def test_an_output_file_is_written_whole_or_not_at_all(tmp_path, capsys):
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar at all" * 100)
    target = tmp_path / "report.sarif"
    target.write_text("the last good report\n")
    code, _, err = analyze(capsys, broken, "--format", "sarif", "--output", target)
    assert code == 2
    assert "Traceback" not in err
    assert target.read_text() == "the last good report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.tar", "report.sarif"]


@pytest.mark.parametrize("folder", ["missing", "."])
def test_an_output_that_cannot_be_a_file_is_exit_2_before_any_image_is_read(folder, tmp_path, capsys):
    target = tmp_path / folder / ("x.xml" if folder == "missing" else "")
    code, _, err = analyze(capsys, tmp_path / "no-such-image.tar", "--output", target)
    assert code == 2
    assert "slimlab: --output" in err
    assert "no-such-image" not in err


def test_sarif_with_the_dockerfile_points_a_layer_s_findings_at_its_line(image, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text('FROM debian:trixie-slim\nRUN make\nCMD ["/nothing"]\n')
    code, out, _ = analyze(capsys, image, "--format", "sarif", "--dockerfile", tmp_path / "Dockerfile")
    assert code == 0
    document = json.loads(out)
    assert_valid_sarif(document)
    (secret,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "secret"]
    assert secret["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "Dockerfile"},
        "region": {"startLine": 2},
    }
    assert "abcdefghij12345" not in out


def test_sarif_says_when_the_dockerfile_does_not_match_the_image(image, tmp_path, capsys):
    dockerfile = tmp_path / "other.Dockerfile"
    dockerfile.write_text("FROM scratch\nCOPY . /\n")
    code, out, err = analyze(capsys, image, "--format", "sarif", "--dockerfile", dockerfile)
    assert code == 0
    assert "does not follow the instructions of its last stage" in err
    notes = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "results point at the Dockerfile without a line" in notes[0]["message"]["text"]


def test_junit_on_standard_output_is_the_document_and_the_verdicts_go_to_standard_error(image, capsys):
    code, out, err = analyze(capsys, image, "--format", "junit", *KEPT)
    assert code == 0
    assert ET.fromstring(out.split("\n", 1)[1]).tag == "testsuites"
    assert "slimlab: " in err
    assert "5 of 5 budgets kept" in err
