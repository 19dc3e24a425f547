"""Every lab's reproducibility, as recorded: ``.. rebuild-table::``.

One row per variant that was built once more from an empty build cache
(each lab's ``after``, and any variant a ``reproducible`` claim names): the
verdict in words, how many paths differ in which aspect, and the first
differences by name, content before time.  Labs whose results predate the
rebuilds are named under the table, never an error: the table shows what is
measured.  Registered by :func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from checks.guide.nodes import every_results, fill, literal, literals, not_recorded, para, table
from checks.model.i18n import N_, _
from checks.model.measured import ASPECT_WORDS, Rebuild
from checks.model.results import Results

HEADERS = (N_("Lab and variant"), N_("Two builds from an empty cache"), N_("Paths that differ"), N_("For example"))
#: Differences shown by name in a row.
SHOWN = 3


@dataclass(frozen=True, kw_only=True)
class RebuildRow:
    lab: str
    variant: str
    rebuild: Rebuild


def rebuild_rows(every: Iterable[Results]) -> list[RebuildRow]:
    """The rebuilt variants of every lab, in lab order and the lab's variant order."""
    return [
        RebuildRow(lab=results.lab, variant=name, rebuild=m.rebuild)
        for results in every
        for name, m in results.variants.items()
        if m.rebuild is not None
    ]


def unmeasured(every: Iterable[Results]) -> list[str]:
    """Labs whose results hold no rebuild at all yet."""
    return [r.lab for r in every if not any(m.rebuild is not None for m in r.variants.values())]


def verdict(rebuild: Rebuild) -> str:
    """The outcome in words."""
    if rebuild.reproducible:
        found = _("reproducible: the same image id")
    elif rebuild.only_times:
        found = _("the same files and bytes; only file times differ")
    else:
        found = _("different bytes")
    return found


def aspects(rebuild: Rebuild) -> str:
    """``12 paths: 3 in content, 12 in mtime`` (``none`` when the ids match)."""
    if rebuild.reproducible:
        return _("none")
    parts = _(", ").join(
        _("{count} in {aspect}").format(count=n, aspect=_word(a)) for a, n in rebuild.by_aspect.items()
    )
    one = _("{count} path: {aspects}") if rebuild.differing == 1 else _("{count} paths: {aspects}")
    return one.format(count=rebuild.differing, aspects=parts)


def _word(aspect: str) -> str:
    """An aspect in the edition's words; a key of the image configuration (``created``) as it is."""
    return _(ASPECT_WORDS[aspect]) if aspect in ASPECT_WORDS else aspect


def examples(rebuild: Rebuild) -> list[nodes.Node | str]:
    """The first differences by name: ``/usr/lib/x.pyc`` (content, mtime), ..."""
    shown: list[nodes.Node | str] = []
    for index, difference in enumerate(rebuild.differences[:SHOWN]):
        path = difference.path if difference.layer < 0 else "/" + difference.path
        aspects = _(", ").join(_word(aspect) for aspect in difference.aspects)
        shown += [_(", ") if index else "", *fill(_("{path} ({aspects})"), path=literal(path), aspects=aspects)]
    left = rebuild.differing - len(rebuild.differences[:SHOWN])
    if left > 0 and shown:
        shown.append(_(", and {count} more").format(count=left))
    return shown or ["—"]


class RebuildTableDirective(SphinxDirective):
    """Each rebuilt variant of every lab: reproducible or not, and what differs."""

    def run(self) -> list[nodes.Node]:
        every = every_results(self.env)
        rows = rebuild_rows(every)
        if not rows:
            message = _("No rebuild is recorded yet: run {command}.")
            return not_recorded(message)
        body: list[list[nodes.Node | str]] = []
        for row in rows:
            example = nodes.inline()
            for part in examples(row.rebuild):
                example += part if isinstance(part, nodes.Node) else nodes.Text(part)
            body.append([literal(f"{row.lab} {row.variant}"), verdict(row.rebuild), aspects(row.rebuild), example])
        # On a phone the four columns stack, one row under another (slimlab.css).
        tab = table([_(h) for h in HEADERS], body, ["slimlab-rebuilds", "slimlab-stack"], widths=[3, 3, 3, 7])
        found: list[nodes.Node] = [tab]
        missing = unmeasured(every)
        if missing:
            message = _("Not measured yet: {labs} (the next {command} that verifies them adds it).")
            found.append(
                para(
                    *fill(message, labs=literals(missing), command=literal("make check")),
                    classes=["slimlab-chart-caption"],
                )
            )
        return found
