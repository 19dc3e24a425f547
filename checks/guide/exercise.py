"""``.. lab-exercise:: LAB``: a lab's exercise on its page, from the lab's own files.

It shows the task (``[lab] exercise`` in ``lab.toml``), the goals ``make lab-N``
judges (:func:`checks.model.exercise.goals`), each in its short form
(:meth:`checks.model.claims.kind.Kind.goal`: the claim's own sentence stands once
on the page, in its row of the evidence) linked to its claim's row, the
commands, ``exercise.Dockerfile`` as it is in the lab folder and the reference
answer, ``solution.Dockerfile``, in a collapsed dropdown.  Files are shown
through ``literalinclude``, so a learner's edit of the exercise shows on the
next build and never fails it.  The block carries the anchor ``exercise-lab-N``
that a ``try-lab`` box links to (:func:`exercise_label`).
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from checks.guide.docdata import LabDocs, did_you_mean
from checks.guide.evidence import EVIDENCE, fold, folded
from checks.guide.nodes import WARN, all_labs, claim_ref, fill, labs_dir, literal, logger, note_use, para
from checks.model.dockerignore import DOCKERFILE_IGNORE_SUFFIX
from checks.model.exercise import EXERCISE, LEARNER, SOLUTION, goals, make_target
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
        label = exercise_label(spec)
        box = nodes.container(classes=["slimlab-exercise", EVIDENCE], ids=[label], names=[label])
        self.state.document.note_explicit_target(box)
        if spec.exercise:
            box += para(spec.exercise, classes=["slimlab-exercise-task"])
        box += para(
            *fill(
                _("{command} builds your {exercise} and checks that the image:"),
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
        box += self.answer(lab, spec)
        return box

    def answer(self, lab: LabDocs, spec: Lab) -> fold:
        """The reference answer, folded: what it is, then its files."""
        body: list[nodes.Node] = []
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
            body.append(
                para(*fill(message, after=literal("after"), solution=literal(SOLUTION), dockerfile=literal(after)))
            )
        files = nodes.container()
        self.include(files, [self.literalinclude(path) for path in shown_files(lab.folder, SOLUTION)])
        body.extend(files.children)
        title = _("Reference answer: {solution}").format(solution=SOLUTION)
        return folded([nodes.inline(title, title)], body, ["slimlab-answer"])

    def goals(self, spec: Lab) -> nodes.bullet_list:
        """Each goal in its short form, linked to its claim's row; the grader's own smoke goal as its sentence."""
        claims = {claim.id for claim in spec.claims}
        items = nodes.bullet_list(classes=["slimlab-goals"])
        for goal in goals(spec):
            short = goal.check.goal(LEARNER) if goal.id in claims else ""
            if goal.id in claims and not short:
                self.warn(
                    f"claim kind '{goal.check.kind}' ({goal.id}) has no short goal form: add its goal() in "
                    f"{type(goal.check).__module__.replace('.', '/')}.py."
                )
            words = self.inline(short or goal.text)
            # The smoke goal grading adds (L4.0) is no claim of the lab, so it has no row to link to.
            items += nodes.list_item("", para(claim_ref(goal.id, content=words) if goal.id in claims else words[0]))
        return items

    def inline(self, text: str) -> list[nodes.Node]:
        """A goal's words, its `names` as code."""
        parts: list[nodes.Node] = []
        for index, piece in enumerate(text.split("`")):
            if piece:
                parts.append(literal(piece) if index % 2 else nodes.Text(piece))
        return [nodes.inline("", "", *parts)]

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


def exercise_label(spec: Lab) -> str:
    """The anchor of a lab's exercise block: ``exercise-lab-4``."""
    return f"exercise-{make_target(spec)}"
