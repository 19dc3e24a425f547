"""checks.inspect.lint: hadolint's findings, the size-related ones linked to the guide, failures handled."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from checks.inspect.lint import (
    SIZE_RULES,
    UNPARSED,
    dockerfiles,
    hadolint_command,
    lint,
    lint_file,
    parse,
    render,
    size_findings,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
SUFFIXES = (".rst", ".md")

WASTEFUL = """\
FROM debian:trixie-slim
RUN apt-get update && apt-get install -y gcc
RUN pip install flask==3.0.0
RUN echo done
"""
HADOLINT_JSON = json.dumps(
    [
        {"code": "DL3009", "column": 1, "file": "x", "level": "info", "line": 2, "message": "Delete the apt lists"},
        {"code": "DL3008", "column": 1, "file": "x", "level": "warning", "line": 2, "message": "Pin versions"},
    ]
)


def test_hadolint_json_becomes_findings_and_only_size_rules_link_to_the_guide():
    size, other = parse(HADOLINT_JSON, "before.Dockerfile")
    assert (size.code, size.line, size.file) == ("DL3009", 2, "before.Dockerfile")
    assert size.size_related
    assert size.url().endswith("/only-what-runs.html#dl3009")
    assert not other.size_related
    assert other.url() == ""


def test_every_size_rule_links_to_a_page_the_guide_has():
    missing = {
        page for page in SIZE_RULES.values() if not any((DOCS / page).with_suffix(s).is_file() for s in SUFFIXES)
    }
    assert not missing, f"SIZE_RULES links to pages docs/ does not have: {sorted(missing)}"


@pytest.mark.parametrize(
    ("code", "about_size"),
    [
        ("DL3009", True),  # apt lists left behind
        ("DL3015", True),  # recommended packages
        ("DL3042", True),  # pip's cache
        ("DL3019", True),  # apk's index
        ("DL3059", True),  # consecutive RUNs
        ("DL4006", False),  # pipefail is about failures, not bytes
        ("DL3008", False),  # unpinned versions
    ],
)
def test_a_hint_about_size_is_given_for_size_rules_only(code, about_size):
    row = {"code": code, "column": 1, "file": "x", "level": "info", "line": 3, "message": "m"}
    findings = parse(json.dumps([row]), "after.Dockerfile")
    assert bool(size_findings(findings)) is about_size


def test_the_real_hadolint_finds_the_size_mistakes_of_a_wasteful_dockerfile(tmp_path):
    path = tmp_path / "before.Dockerfile"
    path.write_text(WASTEFUL)
    codes = {f.code for f in size_findings(lint([path], root=tmp_path))}
    assert {"DL3009", "DL3015", "DL3042", "DL3059"} <= codes


def test_a_file_hadolint_cannot_parse_gives_one_finding_that_says_its_rules_were_not_checked(tmp_path):
    path = tmp_path / "broken.Dockerfile"
    path.write_text("FROM debian\nTHIS IS NOT AN INSTRUCTION\n")
    (finding,) = lint_file(path, shown_as="broken.Dockerfile")
    assert finding.code == UNPARSED
    assert "could not parse" in render([finding])
    assert finding in size_findings([finding])


def fake_hadolint(tmp_path: Path, script: str) -> str:
    path = tmp_path / "hadolint"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_hadolint_that_crashes_gives_a_finding_instead_of_an_exception(tmp_path):
    command = fake_hadolint(tmp_path, "echo 'segmentation fault' >&2; exit 139\n")
    (finding,) = lint_file(tmp_path / "x.Dockerfile", command=command)
    assert finding.code == "hadolint"
    assert "segmentation fault" in finding.message


def test_a_hadolint_that_prints_no_json_gives_a_finding_too(tmp_path):
    command = fake_hadolint(tmp_path, "echo 'not json'\n")
    (finding,) = lint_file(tmp_path / "x.Dockerfile", command=command)
    assert finding.code == "hadolint"
    assert "not json" in finding.message


def test_a_file_that_does_not_exist_gives_hadolint_s_first_complaint(tmp_path):
    (finding,) = lint_file(tmp_path / "missing.Dockerfile")
    assert finding.code == "hadolint"
    assert "does not exist" in finding.message


def test_the_venv_s_hadolint_is_found():
    assert Path(hadolint_command()).name == "hadolint"


def test_a_lab_s_dockerfiles_are_its_star_dockerfile_files(tmp_path):
    for name in ("before.Dockerfile", "after.Dockerfile", "notes.md", "Dockerfile.old"):
        (tmp_path / name).write_text("")
    assert [p.name for p in dockerfiles(tmp_path)] == ["after.Dockerfile", "before.Dockerfile"]


def test_the_report_shows_size_findings_and_counts_the_others_unless_asked_for_everything():
    findings = parse(HADOLINT_JSON, "before.Dockerfile")
    text = render(findings)
    assert "before.Dockerfile:2: DL3009" in text
    assert "learn:" in text
    assert "1 findings not about size" in text
    assert "DL3008" in render(findings, everything=True)
    assert render([]) == "  no size-related findings"
