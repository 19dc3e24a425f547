"""Grade a learner's Dockerfile against a lab's goals: ``make lab-N``.

The goals are the lab's own claims about ``after``, judged on the learner's
image instead, plus "the smoke test still passes" (:mod:`checks.model.exercise`
derives them, so the guide can list them too).  So one stable id ties the
claim, the guide section that teaches it, and the hint a learner sees.  Goals
are judged on the built image, never on the Dockerfile's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from checks.engine.bases import Resolver
from checks.engine.verify import image_tag, judge, measure, resolve_bases
from checks.inspect.lint import Finding
from checks.inspect.lint import hints as lint_hints
from checks.inspect.lint import line as lint_line
from checks.model import paths
from checks.model.errors import UsageError
from checks.model.exercise import EXERCISE, LEARNER, SOLUTION, graded_lab
from checks.model.i18n import ENGLISH, Catalog, _, translate_lab
from checks.model.links import DEFAULT_DOCS_URL, section
from checks.model.measured import Measured
from checks.model.results import ClaimResult
from checks.model.spec import Lab, load
from checks.model.units import megabytes


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
    echo: Callable[[str], None],
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


def bars(sizes: Mapping[str, int], width: int = 40) -> list[str]:
    """The size journey as terminal bars, longest = ``width`` characters."""
    top = max(sizes.values()) or 1
    label = max(len(name) for name in sizes)
    return [
        f"  {name:<{label}}  {'█' * max(1, round(width * size / top)):<{width}}  {megabytes(size)}"
        for name, size in sizes.items()
    ]


def render(result: Grade, *, docs_url: str = DEFAULT_DOCS_URL) -> str:
    """The report ``make lab-N`` prints, in the language :func:`checks.model.i18n.use` chose."""
    name = result.lab.name.removesuffix("-grade")
    lines = [_("{lab}: grading {dockerfile}").format(lab=name, dockerfile=result.dockerfile), ""]
    for goal in result.goals:
        mark = _("PASS") if goal.passed else _("FAIL")
        lines.append(f"  {mark}  {goal.id:<6} {goal.text}")
        lines.append(
            "              " + _("measured {measured}; goal {goal}").format(measured=goal.measured, goal=goal.expected)
        )
        if not goal.passed:
            hint = result.hints.get(goal.id) or goal.text
            lines.append("        " + _("hint: {hint}").format(hint=hint))
            lines.append("        " + _("learn: {url}").format(url=section(result.lab.page, goal.id).url(docs_url)))
    if result.advice:
        lines += ["", "  " + _("advice from hadolint (not graded):")] + [
            "    " + lint_line(f, docs_url=docs_url) for f in result.advice
        ]
    lines += ["", "  " + _("size journey: before -> yours -> reference")]
    lines += bars({name: m.size_bytes for name, m in result.measured.items()})
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
