"""Grade a learner's Dockerfile against a lab's goals: ``make lab-N``.

The goals are the lab's own claims about ``after``, judged on the learner's
image instead, plus "the smoke test still passes" (:mod:`checks.model.exercise`
derives them, so the guide can list them too).  So one stable id ties the
claim, the guide section that teaches it, and the hint a learner sees.  Goals
are judged on the built image, never on the Dockerfile's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checks.engine.bases import Resolver
from checks.inspect.lint import Finding
from checks.inspect.lint import hints as lint_hints
from checks.inspect.lint import line as lint_line
from checks.measure.source import image_tag, resolve_bases
from checks.model import paths
from checks.model.columns import pad, widest
from checks.model.errors import UsageError
from checks.model.exercise import EXERCISE, LEARNER, REFERENCE, SOLUTION, graded_lab
from checks.model.i18n import ENGLISH, Catalog, _
from checks.model.links import DEFAULT_DOCS_URL, section
from checks.model.measured import Measured
from checks.model.progress import Say
from checks.model.results import ClaimResult
from checks.model.spec import Lab, load
from checks.model.translation import translate_lab
from checks.model.units import megabytes
from checks.plan.judge import judge
from checks.run.variants import measure


@dataclass(frozen=True, kw_only=True)
class Grade:
    lab: Lab
    dockerfile: str
    goals: tuple[ClaimResult, ...]
    hints: Mapping[str, str]
    measured: Mapping[str, Measured]
    #: hadolint's size-related findings on the graded Dockerfile: advice, never a goal.
    advice: tuple[Finding, ...] = ()
    #: The name of the learner's image (in this checkout's namespace), to run or analyze it.
    image: str = ""

    @property
    def passed(self) -> bool:
        return all(goal.passed for goal in self.goals)


def grade(
    folder: Path,
    dockerfile: str,
    *,
    resolver: Resolver,
    repository: Path | None = None,
    echo: Say,
    builder: str | None = None,
    catalog: Catalog = ENGLISH,
) -> Grade:
    """Build and judge ``dockerfile`` (a path relative to the lab folder, which must lead into it or into the
    ``repository`` the lab is in, when one is given); goals and hints in ``catalog``'s language (the figures are
    the same)."""
    lab = translate_lab(load(folder), catalog)
    check_learner_file(folder, dockerfile, repository)
    for needed in (dockerfile, SOLUTION):
        if not (folder / needed).is_file():
            raise UsageError(
                f"{folder / needed} does not exist. Each lab has an {EXERCISE} to edit and a {SOLUTION}; "
                f"restore it with `git checkout {folder.name}/{needed}`."
            )
    graded = graded_lab(lab, dockerfile)
    uses = resolve_bases(graded, folder, resolver)
    measured = measure(graded, folder, uses, resolver=resolver, builder=builder, echo=echo)
    return Grade(
        lab=graded,
        dockerfile=dockerfile,
        goals=judge(graded, measured),
        hints={c.id: c.hint for c in graded.claims},
        measured=measured,
        advice=lint_hints([folder / dockerfile], root=folder),
        image=image_tag(graded, graded.variant(LEARNER)),
    )


def check_learner_file(folder: Path, dockerfile: str, repository: Path | None) -> None:
    """A learner's own Dockerfile must be a file in the lab folder or elsewhere in the repository, its symbolic
    links followed: the grader builds only what is theirs, never a file of the rest of the machine."""
    target = folder / dockerfile
    named = f"--dockerfile '{paths.shown(dockerfile)}'"
    if leads := paths.escapes(target, folder, *([repository] if repository else [])):
        how = "leads to" if paths.leaves(dockerfile) else "is a symbolic link to"
        raise UsageError(
            f"{named} {how} {paths.shown(leads)}, outside the lab folder {folder} and the repository "
            f"{repository or folder}: the grader builds only a Dockerfile of yours. Edit {folder / EXERCISE}, or "
            "put your own file in the lab folder and give its path relative to it."
        )
    found = paths.kind(target)
    if found not in (paths.FILE, paths.NOTHING):
        raise UsageError(
            f"{named} is {found}, not a file; it was not opened. Give the path of your Dockerfile, relative to "
            f"the lab folder {folder}."
        )


#: The id column is never narrower than this, so ids up to ``L10.10`` line up from one lab to the next.
ID_COLUMNS = 6


def bars(sizes: Mapping[str, int], width: int = 40) -> list[str]:
    """The size journey as terminal bars, longest = ``width`` characters; the names padded by display width."""
    top = max(sizes.values()) or 1
    label = widest(tuple(sizes))
    return [
        f"  {pad(name, label)}  {'█' * max(1, round(width * size / top)):<{width}}  {megabytes(size)}"
        for name, size in sizes.items()
    ]


def journey_label(variant: str) -> str:
    """What a bar of the size journey is called: the learner's own image and the two it is measured between."""
    labels = {"before": _("before"), LEARNER: _("yours"), REFERENCE: _("reference")}
    return labels.get(variant, variant)


def goal_lines(result: Grade, *, docs_url: str) -> list[str]:
    """Each goal: its mark, id and sentence, then what was measured against the goal under the sentence; a
    failed one adds its hint and its section under the id.  Columns count display width, so a Chinese mark
    (两个字 or 三个字) keeps ids, sentences and figures in line."""
    marks = {True: _("PASS"), False: _("FAIL")}
    mark_columns = widest(tuple(marks.values()))
    id_columns = widest(tuple(goal.id for goal in result.goals), at_least=ID_COLUMNS)
    under_id = " " * (2 + mark_columns + 2)
    under_text = under_id + " " * (id_columns + 1)
    lines = []
    for goal in result.goals:
        lines.append(f"  {pad(marks[goal.passed], mark_columns)}  {pad(goal.id, id_columns)} {goal.text}")
        lines.append(
            under_text + _("measured {measured}; goal {goal}").format(measured=goal.measured, goal=goal.expected)
        )
        if not goal.passed:
            hint = result.hints.get(goal.id) or goal.text
            lines.append(under_id + _("hint: {hint}").format(hint=hint))
            lines.append(under_id + _("learn: {url}").format(url=section(result.lab.page, goal.id).url(docs_url)))
    return lines


def render(result: Grade, *, docs_url: str = DEFAULT_DOCS_URL) -> str:
    """The report ``make lab-N`` prints, in the language :func:`checks.model.i18n.use` chose."""
    name = result.lab.name.removesuffix("-grade")
    lines = [_("{lab}: grading {dockerfile}").format(lab=name, dockerfile=result.dockerfile), ""]
    lines += goal_lines(result, docs_url=docs_url)
    if result.advice:
        lines += ["", "  " + _("advice from hadolint (not graded):")] + [
            "    " + lint_line(f, docs_url=docs_url) for f in result.advice
        ]
    journey = {journey_label(name): m.size_bytes for name, m in result.measured.items()}
    lines += ["", "  " + _("size journey: {journey}").format(journey=" -> ".join(journey))]
    lines += bars(journey)
    if result.image:
        lines += ["", "  " + _("your image: {image}").format(image=result.image)]
    passed = sum(goal.passed for goal in result.goals)
    verdict = _("every goal met: well done.") if result.passed else _("keep going: fix the goals marked FAIL above.")
    lines += [
        "",
        "  "
        + _("{passed}/{total} goals met; {verdict}").format(passed=passed, total=len(result.goals), verdict=verdict),
    ]
    return "\n".join(lines)
