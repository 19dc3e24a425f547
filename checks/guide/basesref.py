"""The base images' reference tables, rendered from ``checks/bases/``, never retyped.

``.. standin-bases::``
    One section per ``checks/bases/*/base.toml``: what the stand-in is built
    from, where its runtime comes from, how it differs from the official image,
    which recorded labs used it.
``.. runtime-support::``
    The runtimes the labs build on, from ``checks/bases/support.toml``
    (:mod:`checks.model.support`): the version, the day its support ends, and
    the source that says so.

Their words are listed for the ``slimlab-reference`` catalog by :func:`messages`.
Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide import timingsdoc
from checks.guide.nodes import (
    WARN,
    all_labs,
    base_label,
    bases_dir,
    comma,
    fill,
    literal,
    logger,
    note_use,
    para,
    reference,
    section,
    table,
)
from checks.model import support
from checks.model.i18n import Message, _
from checks.model.standins import STANDIN_TIMINGS_NAME, read_standin_timings


def recipe_context(recipe: dict[str, Any], part: str = "difference") -> str:
    """The catalog context of a recipe's words: ``base alpine summary``, ``base alpine difference``."""
    return f"base {recipe['slug']} {part}"


def read_recipes(folder: Path) -> list[dict[str, Any]]:
    """Every ``checks/bases/*/base.toml`` (read directly: :mod:`checks.engine.bases` imports the Docker module)."""
    found = []
    for path in sorted(folder.glob("*/base.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found.append({**data, "slug": path.parent.name})
    return found


class StandinBasesDirective(SphinxDirective):
    """One section per stand-in recipe: what it is built from, how it differs, which labs used it."""

    def run(self) -> list[nodes.Node]:
        folder = bases_dir(self.env.app)
        used = self.uses()
        timings = self.timings()
        out: list[nodes.Node] = []
        for recipe in read_recipes(folder):
            self.env.note_dependency(str(folder / recipe["slug"] / "base.toml"))
            sect = section(self.state.document, base_label(recipe["image"]), literal(recipe["image"]))
            recipe_label, built, differs = (
                _("Recipe: "),
                _("Built from: "),
                _("Known differences from the official image:"),
            )
            sect += para(nodes.strong(recipe_label, recipe_label), literal(f"checks/bases/{recipe['slug']}/"))
            summary = reference(self.env.app, recipe.get("summary", ""), recipe_context(recipe, "summary"))
            sect += para(nodes.strong(built, built), summary)
            if recipe.get("runtime_from"):
                runtime = _("Runtime from: ")
                words = reference(self.env.app, recipe["runtime_from"], recipe_context(recipe, "runtime"))
                sect += para(nodes.strong(runtime, runtime), words)
            sect += para(nodes.strong(differs, differs))
            items = nodes.bullet_list()
            for difference in recipe.get("differences", ()):
                items += nodes.list_item("", para(reference(self.env.app, difference, recipe_context(recipe))))
            sect += items
            cold = _("Cold build: ")
            figure = timingsdoc.standin_build(timings, recipe["image"])
            # the figure is make bench's, not typed: the class says so (tests/test_docs_prose.py)
            sect += para(nodes.strong(cold, cold), nodes.inline(figure, figure, classes=["slimlab-bench"]))
            sect += self.usage(used.get(recipe["image"], []))
            out.append(sect)
        return out

    def timings(self) -> dict[str, Any] | None:
        path = Path(self.env.srcdir) / STANDIN_TIMINGS_NAME
        self.env.note_dependency(str(path))
        try:
            return read_standin_timings(path)
        except ValueError as error:
            logger.warning(f"standin-bases: {error}", location=self.get_location(), **WARN)
            return None

    def uses(self) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for lab in all_labs(self.env.app).values():
            note_use(self.env, lab.name)
            self.env.note_dependency(str(lab.results_path))
            for base in lab.results.bases if lab.results else ():
                found.setdefault(base.name, []).append((lab.name, base.source))
        return found

    def usage(self, uses: list[tuple[str, str]]) -> nodes.paragraph:
        used = _("Used in the recorded results: ")
        label = nodes.strong(used, used)
        if not uses:
            return para(label, _("no lab's results name it as a FROM image (it may be a base of another stand-in)."))
        labs: list[nodes.Node | str] = []
        for index, (lab, source) in enumerate(uses):
            which = _("{lab} (this stand-in)") if source == "stand-in" else _("{lab} (the official image)")
            labs += [comma() if index else "", *fill(which, lab=literal(lab))]
        return para(label, *fill(_("{labs}."), labs=labs))


#: The words of a row of ``support.toml`` that each edition shows in its own language (dates and links are not).
RUNTIME_WORDS = ("name", "version", "note")


def runtime_context(runtime: support.Runtime, part: str) -> str:
    """The catalog context of a runtime's words: ``runtime node-26 note``."""
    return f"runtime {runtime.key} {part}"


def source_text(url: str) -> str:
    """How the support table names a source: its host, and on GitHub the owner and repository too."""
    host, _slash, path = url.split("://", 1)[-1].partition("/")
    return "/".join([host, *path.split("#")[0].split("/")[:2]]) if host == "github.com" else host


class RuntimeSupportDirective(SphinxDirective):
    """The runtimes the labs build on: which version, when its support ends, and who says so."""

    def run(self) -> list[nodes.Node]:
        path = bases_dir(self.env.app) / support.SUPPORT_NAME
        self.env.note_dependency(str(path))
        try:
            known = support.read(path)
        except (OSError, ValueError) as error:
            logger.warning(f"runtime-support: {error}", location=self.get_location(), **WARN)
            return []
        rows: list[list[nodes.Node | str]] = []
        for runtime in known.values():
            name, version, note = (
                reference(self.env.app, getattr(runtime, part), runtime_context(runtime, part))
                for part in RUNTIME_WORDS
            )
            which, ends = nodes.container(), nodes.container()
            which += [para(name), para(version)]
            if runtime.ends:
                ends += para(nodes.strong(runtime.ends, runtime.ends))
            ends += [para(note), para(nodes.reference("", source_text(runtime.source), refuri=runtime.source))]
            rows.append([which, ends])
        return [table([_("Runtime"), _("Support ends")], rows, ["slimlab-support"], [30, 70])]


def messages(bases: Path) -> list[Message]:
    """The messages of the ``slimlab-reference`` catalog these tables render: each runtime's words, then each
    recipe's (:func:`checks.guide.sphinxref.messages` lists them with the rest)."""
    found: list[Message] = []
    for runtime in support.read(bases / support.SUPPORT_NAME).values():
        found += [Message(runtime_context(runtime, part), getattr(runtime, part)) for part in RUNTIME_WORDS]
    for recipe in read_recipes(bases):
        if recipe.get("summary"):
            found.append(Message(recipe_context(recipe, "summary"), recipe["summary"]))
        if recipe.get("runtime_from"):
            found.append(Message(recipe_context(recipe, "runtime"), recipe["runtime_from"]))
        found += [Message(recipe_context(recipe), difference) for difference in recipe.get("differences", ())]
    return found
