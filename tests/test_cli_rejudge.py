"""``python -m checks rejudge``: results.json of schema 1 brought to phrases, with no engine and no build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from checks import cli
from checks.model.results import RESULTS_NAME
from checks.model.resultsjson import SCHEMA_VERSION
from checks.store.results import read

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "labs" / "lab-4-go-multistage"


def as_schema_1(folder: Path) -> dict:
    """The lab's results as schema 1 wrote them: every verdict an English sentence."""
    results = read(folder / RESULTS_NAME)
    assert results is not None
    data = json.loads((folder / RESULTS_NAME).read_text(encoding="utf-8"))
    data["schema_version"] = 1
    for written, claim in zip(data["claims"], results.claims, strict=True):
        written["expected"], written["measured"] = str(claim.expected), str(claim.measured)
    return data


def test_rejudge_writes_phrases_in_place_of_the_sentences_and_nothing_else(tmp_path, capsys):
    folder = tmp_path / LAB.name
    shutil.copytree(LAB, folder)
    old = as_schema_1(folder)
    (folder / RESULTS_NAME).write_text(json.dumps(old, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli.main(["rejudge", str(folder)]) == 0
    assert "results.json updated" in capsys.readouterr().out
    new = json.loads((folder / RESULTS_NAME).read_text(encoding="utf-8"))
    assert new["schema_version"] == SCHEMA_VERSION
    assert {k: v for k, v in new.items() if k not in ("schema_version", "claims")} == {
        k: v for k, v in old.items() if k not in ("schema_version", "claims")
    }
    assert new == json.loads((LAB / RESULTS_NAME).read_text(encoding="utf-8"))
    assert cli.main(["rejudge", str(folder)]) == 0
    assert "results.json unchanged" in capsys.readouterr().out


def test_rejudge_without_results_is_a_usage_error_that_says_to_measure(tmp_path, capsys):
    folder = tmp_path / LAB.name
    shutil.copytree(LAB, folder)
    (folder / RESULTS_NAME).unlink()
    assert cli.main(["rejudge", str(folder)]) == 2
    assert f"python -m checks verify {LAB.name}" in capsys.readouterr().err
