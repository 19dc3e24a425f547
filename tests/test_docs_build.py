"""The guide builds under -n -W from the recorded results, and says so when they are stale.

Each build runs ``sphinx-build`` as ``make html`` does (no Docker), into a
temporary folder; the stale and missing cases build a copy of docs/ and labs/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import sphinx_build

from checks.guide.docdata import lab_folders
from checks.model.exercise import LEARNER, goals
from checks.model.links import anchor
from checks.model.spec import load
from checks.store.inputs import inputs_sha256

ROOT = Path(__file__).resolve().parent.parent
LABS = lab_folders(ROOT / "labs")


def build(source: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``make html``'s sphinx-build of a copy of docs/ (see conftest.sphinx_build)."""
    return sphinx_build(source, out, *extra)


@pytest.fixture
def site(built_guide: Path) -> Path:
    return built_guide


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    """docs/ and labs/ side by side in tmp_path, as the literalinclude paths expect."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(ROOT / "labs", tmp_path / "labs")
    return tmp_path


class Spans(HTMLParser):
    """Every measured value on a page: its data-* attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "span" and "slimlab-measured" in attributes.get("class", "").split():
            self._open = {**attributes, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open is not None:
            self.found.append(self._open)
            self._open = None


def page(site: Path, name: str) -> Spans:
    parser = Spans()
    parser.feed((site / f"{name}.html").read_text(encoding="utf-8"))
    return parser


def test_the_guide_builds_nitpicky_with_warnings_as_errors(site: Path):
    assert (site / "index.html").is_file()
    assert (site / "standin-bases.html").is_file()


RECORDED = {
    "size": "size_bytes",
    "bytes": "size_bytes",
    "compressed": "compressed_size_bytes",
    "floor": "runtime_bytes",
}


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_the_sizes_on_a_labs_page_are_the_ones_in_its_results(site: Path, folder: Path):
    lab = load(folder)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    shown = [s for s in page(site, lab.page).found if s.get("data-lab") == folder.name and "data-bytes" in s]
    assert {s["data-variant"] for s in shown if s["data-field"] == "size"} == set(results["variants"]), (
        "every variant has its size in the lab-results table"
    )
    for span in shown:
        recorded = results["variants"][span["data-variant"]][RECORDED[span["data-field"]]]
        assert int(span["data-bytes"]) == recorded
        if span["data-field"] != "bytes":
            assert span["text"] == _megabytes(recorded)


PAGES = sorted({load(folder).page for folder in LABS})


@pytest.mark.parametrize("name", PAGES)
def test_a_labs_table_shows_a_cold_pull_for_each_pulled_variant_and_says_why_the_others_have_none(
    site: Path, name: str
):
    spans = page(site, name).found
    unpulled = 0
    for folder in (f for f in LABS if load(f).page == name):
        variants = json.loads((folder / "results.json").read_text(encoding="utf-8"))["variants"]
        pulled = {v for v, figures in variants.items() if "pull_seconds" in figures}
        shown = {s["data-variant"] for s in spans if s.get("data-lab") == folder.name and s["data-field"] == "pull"}
        assert shown == pulled
        unpulled += len(variants) - len(pulled) if pulled else 0
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    assert html.count('<abbr title="sized, not pulled') == unpulled


def test_every_size_in_prose_anywhere_is_the_recorded_one(site: Path):
    for html in site.glob("*.html"):
        for span in page(site, html.stem).found:
            if "data-bytes" in span:
                results = json.loads((ROOT / "labs" / span["data-lab"] / "results.json").read_text(encoding="utf-8"))
                assert (
                    int(span["data-bytes"]) == results["variants"][span["data-variant"]][RECORDED[span["data-field"]]]
                ), html.name


def test_every_size_difference_anywhere_is_the_recorded_sizes_subtracted(site: Path):
    shown = [(html.name, span) for html in site.glob("*.html") for span in page(site, html.stem).found]
    differences = [(name, span) for name, span in shown if span.get("data-field") == "size-difference"]
    assert differences, "lab 3's page shows what each technique saves with :size-difference:"
    for name, span in differences:
        results = json.loads((ROOT / "labs" / span["data-lab"] / "results.json").read_text(encoding="utf-8"))
        variants = results["variants"]
        size = variants[span["data-variant"]]["size_bytes"] - variants[span["data-of"]]["size_bytes"]
        shown = f"{abs(size)} B" if abs(size) < 1000 else _megabytes(abs(size))
        assert span["text"] == ("-" if size < 0 else "") + shown, name


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_every_claim_of_a_lab_is_an_anchor_on_its_page(site: Path, folder: Path):
    lab = load(folder)
    ids = page(site, lab.page).ids
    assert {anchor(c.id) for c in lab.claims} <= ids


def test_the_multi_stage_page_shows_lab_4s_sizes_in_prose_and_a_layer_chart(site: Path):
    results = json.loads((ROOT / "labs/lab-4-go-multistage/results.json").read_text(encoding="utf-8"))
    prose = [s for s in page(site, "multi-stage").found if s.get("data-field") == "size"]
    assert {s["data-variant"] for s in prose} >= {"before", "after"}
    html = (site / "multi-stage.html").read_text(encoding="utf-8")
    assert html.count('class="slimlab-layer"') == sum(
        1 for v in results["variants"].values() for layer in v["layers"] if layer["size_bytes"]
    )


def test_a_lab_file_edited_without_make_check_fails_the_build(docs_copy: Path):
    dockerfile = docs_copy / "labs/lab-4-go-multistage/before.Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# an edit nobody measured\n")
    done = build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")
    assert done.returncode != 0
    assert "labs/lab-4-go-multistage/results.json is stale" in done.stderr
    assert "Run `make check`" in done.stderr


def test_a_stale_lab_keeps_failing_later_incremental_builds(docs_copy: Path):
    labs = ["-D", f"slimlab_labs={docs_copy / 'labs'}"]
    stale = "labs/lab-4-go-multistage/results.json is stale"
    assert stale not in build(docs_copy / "docs", docs_copy / "out", *labs).stderr
    (docs_copy / "labs/lab-4-go-multistage/app/main.go").write_text("package main\n")
    first = build(docs_copy / "docs", docs_copy / "out", *labs)
    again = build(docs_copy / "docs", docs_copy / "out", *labs)
    assert stale in first.stderr
    assert stale in again.stderr
    assert first.returncode
    assert again.returncode


def test_a_label_moved_to_a_page_read_earlier_keeps_an_incremental_build_clean(docs_copy: Path):
    labs = ["-D", f"slimlab_labs={docs_copy / 'labs'}"]
    earlier, later = docs_copy / "docs/glossary.rst", docs_copy / "docs/reference.rst"
    later.write_text(later.read_text(encoding="utf-8") + "\n.. _moving-label:\n\nMoving\n------\n\nHere.\n")
    assert build(docs_copy / "docs", docs_copy / "out", *labs).returncode == 0
    later.write_text(later.read_text(encoding="utf-8").replace(".. _moving-label:", ""), encoding="utf-8")
    earlier.write_text(earlier.read_text(encoding="utf-8") + "\n.. _moving-label:\n\nMoved\n-----\n\nHere.\n")
    again = build(docs_copy / "docs", docs_copy / "out", *labs)
    assert "duplicate label" not in again.stderr
    assert again.returncode == 0, again.stderr


def record(labs: Path) -> None:
    """What `make check` would leave behind for the fingerprint: each lab's inputs_sha256 as its files are now."""
    for folder in lab_folders(labs):
        path = folder / "results.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["inputs_sha256"] = inputs_sha256(load(folder), folder)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def exercised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide built from a copy of the labs in which every exercise.Dockerfile was edited after recording."""
    root = tmp_path_factory.mktemp("exercised")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(ROOT / "labs", root / "labs")
    record(root / "labs")
    for folder in lab_folders(root / "labs"):
        with (folder / "exercise.Dockerfile").open("a", encoding="utf-8") as file:
            file.write(f"# a learner's edit of {folder.name}\n")
    done = build(root / "docs", root / "out", "-D", f"slimlab_labs={root / 'labs'}")
    assert done.returncode == 0, f"editing the exercises broke the guide:\n{done.stderr}"
    return root / "out" / "html"


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_a_learners_edit_of_the_exercise_keeps_the_guide_building_and_shows_on_its_page(exercised: Path, folder: Path):
    html = (exercised / f"{load(folder).page}.html").read_text(encoding="utf-8")
    assert f"a learner&#39;s edit of {folder.name}" in html or f"a learner's edit of {folder.name}" in html


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_a_labs_page_ends_with_its_exercise_task_goals_command_and_answer(exercised: Path, folder: Path):
    lab = load(folder)
    html = (exercised / f"{lab.page}.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="exercise">') :]
    assert "<section" not in section[1:], "the Exercise section is the page's last"
    assert lab.exercise in section
    number = folder.name.split("-")[1]
    assert f"make lab-{number}" in section
    listed = text(section[section.index('<ul class="slimlab-goals') : section.index("</ul>")])
    for goal in goals(lab):
        linked = f'href="#{anchor(goal.id)}"' in section
        claimed = goal.id in {c.id for c in lab.claims}
        assert linked == claimed, goal.id
        # A claim's goal in its short form (its sentence stands once, in the claim's row); grading's own goal whole.
        assert (goal.check.goal(LEARNER).replace("`", "") if claimed else goal.text) in listed
    assert f"labs/{folder.name}/exercise.Dockerfile" in section
    answer = section[section.index('<details class="slimlab-answer') : section.index("</details>")]
    assert f"labs/{folder.name}/solution.Dockerfile" in answer
    assert "is the same" in section, "every lab's answer today is its after variant"


def text(html: str) -> str:
    """What a piece of HTML reads as: its text, white space collapsed."""
    parser = HTMLParser()
    words: list[str] = []
    parser.handle_data = words.append  # type: ignore[method-assign]
    parser.feed(html)
    return " ".join("".join(words).split())


def article_text(site: Path, name: str) -> str:
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    return text(html[html.index("<article") : html.index("</article>")])


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_each_claims_statement_appears_once_on_its_page(site: Path, folder: Path):
    lab = load(folder)
    page = article_text(site, lab.page)
    repeated = {claim.id: page.count(claim.text) for claim in lab.claims if page.count(claim.text) != 1}
    assert not repeated, f"{lab.page}: claim statements shown other than once: {repeated}"


@pytest.mark.parametrize("folder", LABS, ids=[f.name for f in LABS])
def test_an_exercise_goal_never_repeats_a_claims_statement(folder: Path):
    lab = load(folder)
    statements = {claim.text for claim in lab.claims}
    for goal in goals(lab):
        short = goal.check.goal(LEARNER)
        assert short, f"{goal.id}: its claim kind has no short goal form"
        assert short not in statements


def test_an_unknown_lab_exercise_names_the_labs_that_exist(docs_copy: Path):
    record(docs_copy / "labs")
    index = docs_copy / "docs/index.rst"
    index.write_text(index.read_text() + "\n.. lab-exercise:: lab-4-go-multistag\n")
    done = build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")
    assert done.returncode != 0
    assert "lab-exercise: no lab 'lab-4-go-multistag'" in done.stderr
    assert "Did you mean 'lab-4-go-multistage'?" in done.stderr


def test_a_lab_exercise_without_its_task_fails_the_build_and_says_where_to_write_it(docs_copy: Path):
    spec = docs_copy / "labs/lab-4-go-multistage/lab.toml"
    spec.write_text("\n".join(line for line in spec.read_text().splitlines() if not line.startswith("exercise =")))
    record(docs_copy / "labs")
    done = build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")
    assert done.returncode != 0
    assert "labs/lab-4-go-multistage/lab.toml has no [lab] exercise" in done.stderr


def test_missing_results_fail_the_build_and_say_what_to_run(docs_copy: Path):
    (docs_copy / "labs/lab-4-go-multistage/results.json").unlink()
    done = build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")
    assert done.returncode != 0
    assert "labs/lab-4-go-multistage/results.json is missing" in done.stderr
    assert "make check" in done.stderr


def test_an_unknown_measured_value_names_what_exists(docs_copy: Path):
    index = docs_copy / "docs/index.rst"
    index.write_text(index.read_text() + "\nA typo: :measured:`lab-4-go-multistage/aftr/size`.\n")
    done = build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")
    assert done.returncode != 0
    assert "no variant 'aftr'" in done.stderr
    assert "Did you mean 'after'?" in done.stderr


def _megabytes(size: int) -> str:
    from checks.model.units import megabytes

    return megabytes(size)


def test_missing_workshop_timings_fail_the_build_and_say_to_run_make_bench(docs_copy: Path):
    (docs_copy / "docs/workshop-timings.json").unlink()
    done = build(docs_copy / "docs", docs_copy / "out", "-D", f"slimlab_labs={docs_copy / 'labs'}")
    assert done.returncode != 0
    assert "workshop-timings:" in done.stderr
    assert "make bench" in done.stderr


def _links_checks_emit() -> list[tuple[str, str]]:
    """(page, anchor) of every guide link that analyze, lint and the grader can print."""
    from checks.inspect import lint, removable

    links = [(c.page, c.id) for c in removable.BY_ID.values() if c.id != "keep"]
    return links + [(page, code.lower()) for code, page in lint.SIZE_RULES.items()]


@pytest.mark.parametrize(("name", "anchor"), _links_checks_emit(), ids=str)
def test_every_link_analyze_and_lint_print_lands_on_an_anchor(site: Path, name: str, anchor: str):
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    assert f'id="{anchor}"' in html
