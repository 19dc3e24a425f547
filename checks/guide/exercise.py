"""``.. lab-exercise:: LAB``: a lab's exercise on its page, from the lab's own files.

It shows the task (``[lab] exercise`` in ``lab.toml``), the goals ``make lab-N``
judges (:func:`checks.model.exercise.goals`, each linked to its claim's
section), the commands, ``exercise.Dockerfile`` as it is in the lab folder and
the reference answer, ``solution.Dockerfile``, in a collapsed dropdown.  Files
are shown through ``literalinclude``, so a learner's edit of the exercise shows
on the next build and never fails it.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from checks.guide.docdata import LabDocs, did_you_mean
from checks.guide.nodes import WARN, all_labs, claim_ref, fill, labs_dir, literal, logger, note_use, para
from checks.model.dockerignore import DOCKERFILE_IGNORE_SUFFIX
from checks.model.exercise import EXERCISE, SOLUTION, goals, make_target
from checks.model.i18n import _
from checks.model.spec import SPEC_NAME, Lab


def shown_files(folder: Path, dockerfile: str) -> list[Path]:
    """A Dockerfile and, when it has one, its own ``.dockerignore`` (lab 3's exercise has both)."""
    path = folder / dockerfile
    ignore = path.with_name(path.name + DOCKERFILE_IGNORE_SUFFIX)
    return [path, *([ignore] if ignore.is_file() else [])]


def answer_is_after(lab: Lab, folder: Path) -> str | None:
    """How the reference answer relates to the ``after`` variant: ``same``, ``renamed`` or None.

    ``renamed``: the same files but for their own names in the comments
    (lab 3's ignore files say which Dockerfile they belong to).
    """
    after = lab.variant("after").dockerfile
    answer, measured = shown_files(folder, SOLUTION), shown_files(folder, after)
    if len(answer) != len(measured):
        return None
    texts = [(a.read_bytes(), m.read_bytes()) for a, m in zip(answer, measured, strict=True)]
    if all(a == m for a, m in texts):
        return "same"
    rename = (SOLUTION.encode(), Path(after).name.encode())
    return "renamed" if all(a.replace(*rename) == m for a, m in texts) else None


def missing_files(lab: LabDocs) -> list[str]:
    """The exercise files a lab with an exercise must hold, that this one lacks."""
    return [name for name in (EXERCISE, SOLUTION) if not (lab.folder / name).is_file()]


class LabExerciseDirective(SphinxDirective):
    """The exercise of one lab: task, goals, commands, the file to edit and the answer, collapsed."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        labs = all_labs(self.env.app)
        lab = labs.get(name)
        if lab is None:
            self.warn(f"no lab '{name}' in {labs_dir(self.env.app)}.{did_you_mean(name, list(labs))}")
            return []
        if lab.spec is None:  # check_labs already says why, once per build
            return []
        if missing := missing_files(lab):
            self.warn(f"lab {name} has no {' or '.join(missing)}, so it has no exercise to show.")
            return []
        if not lab.spec.exercise:
            self.warn(f"labs/{name}/{SPEC_NAME} has no [lab] exercise: add the task, in a sentence or two.")
        note_use(self.env, name)
        for path in [lab.folder / SPEC_NAME, *shown_files(lab.folder, SOLUTION)]:
            self.env.note_dependency(str(path))
        return [self.exercise(lab, lab.spec)]

    def warn(self, problem: str) -> None:
        logger.warning(f"lab-exercise: {problem}", location=self.get_location(), **WARN)

    def exercise(self, lab: LabDocs, spec: Lab) -> nodes.container:
        target = make_target(spec)
        box = nodes.container(classes=["slimlab-exercise"])
        if spec.exercise:
            box += para(spec.exercise, classes=["slimlab-exercise-task"])
        box += para(
            *fill(
                _(
                    "{command} builds your {exercise} and judges the image against these goals, the lab's own claims; "
                    "each links to the section that teaches it:"
                ),
                command=literal(f"make {target}"),
                exercise=literal(EXERCISE),
            )
        )
        box += self.goals(spec)
        yours, answer_note = _("grade yours"), _("grade the answer")
        box += nodes.literal_block(
            "",
            f"$ make {target}            # {yours}\n$ make {target}-solution   # {answer_note}",
            language="console",
        )
        self.include(box, [self.literalinclude(path) for path in shown_files(lab.folder, EXERCISE)])
        if relation := answer_is_after(spec, lab.folder):
            after = spec.variant("after").dockerfile
            message = (
                _("The reference answer is this page's {after} variant: {solution} is the same file as {dockerfile}.")
                if relation == "same"
                else _(
                    "The reference answer is this page's {after} variant: {solution} is the same as {dockerfile}, "
                    "but for its own name in the comments."
                )
            )
            box += para(*fill(message, after=literal("after"), solution=literal(SOLUTION), dockerfile=literal(after)))
        title = _("Reference answer: {solution}").format(solution=SOLUTION)
        answer = [f".. dropdown:: {title}", "   :icon: light-bulb", ""]
        for path in shown_files(lab.folder, SOLUTION):
            answer += ["   " + line for line in self.literalinclude(path)]
        self.include(box, [answer])
        return box

    def goals(self, spec: Lab) -> nodes.bullet_list:
        claims = {claim.id for claim in spec.claims}
        items = nodes.bullet_list(classes=["slimlab-goals"])
        for goal in goals(spec):
            # The smoke goal grading adds (L4.0) is no claim of the lab, so it has no section to link to.
            ident = (
                claim_ref(goal.id)
                if goal.id in claims
                else nodes.inline(goal.id, goal.id, classes=["slimlab-claim-id"])
            )
            items += nodes.list_item("", para(ident, " ", goal.text))
        return items

    def literalinclude(self, path: Path) -> list[str]:
        """The RST of one lab file, included as it is on disk."""
        here = Path(self.env.doc2path(self.env.docname)).parent
        shown = f"labs/{path.parent.name}/{path.name}"
        language = "docker" if path.name.endswith(".Dockerfile") else "none"
        return [
            f".. literalinclude:: {Path(os.path.relpath(path, here)).as_posix()}",
            f"   :language: {language}",
            f"   :caption: {shown}",
            "",
        ]

    def include(self, box: nodes.Element, blocks: list[list[str]]) -> None:
        lines = StringList()
        for block in blocks:
            for line in block:
                lines.append(line, *self.get_source_info())
        self.state.nested_parse(lines, self.content_offset, box)


def setup(app: Sphinx) -> None:
    app.add_directive("lab-exercise", LabExerciseDirective)
