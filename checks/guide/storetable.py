"""What each image store reports of the same images, as recorded: ``.. store-table::``.

For every lab verified on more than one image store (``[lab] stores``), a row
per variant the directive names: the layers' own file bytes (the figure every
size claim uses, on either store), what ``docker image ls`` and ``docker image
inspect`` show on each store, and the compressed size a registry holds, when
recorded.  Under the table, how many claims held on each other store.  Labs
not yet measured on their stores are named, never an error.  Registered by
:func:`checks.guide.sphinxext.setup`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from checks.guide.nodes import every_results, fill, literal, literals, not_recorded, para, table
from checks.model.i18n import N_, _
from checks.model.measured import StoreFigures
from checks.model.results import Results
from checks.model.units import megabytes

HEADERS = (
    N_("Lab and variant"),
    N_("The files' bytes, on either store"),
    N_("Classic store: image ls and inspect"),
    N_("containerd store: image ls"),
    N_("containerd store: inspect"),
    N_("Compressed, in a registry"),
)


@dataclass(frozen=True, kw_only=True)
class StoreRow:
    lab: str
    variant: str
    classic: StoreFigures
    containerd: StoreFigures
    #: The compressed size the main run recorded (a registry's), if it did.
    compressed: int | None


def store_rows(every: Iterable[Results], variants: Sequence[str]) -> list[StoreRow]:
    """The ``variants`` of every lab recorded on both stores, in lab order."""
    return [
        StoreRow(
            lab=results.lab,
            variant=name,
            classic=results.stores["classic"].variants[name],
            containerd=results.stores["containerd"].variants[name],
            compressed=results.variants[name].compressed_size_bytes,
        )
        for results in every
        if {"classic", "containerd"} <= set(results.stores)
        for name in variants
        if all(name in run.variants for run in results.stores.values())
    ]


def one_or_both(*sizes: int) -> str:
    """One size when they agree, else each (``6.2 MB``, ``6.2 MB / 6.3 MB``)."""
    return " / ".join(dict.fromkeys(megabytes(size) for size in sizes))


def cells(row: StoreRow) -> list[nodes.Node | str]:
    """The row's cells; each figure also names its column, which a phone shows when the row stacks."""
    figures = [
        one_or_both(row.classic.size_bytes, row.containerd.size_bytes),
        one_or_both(row.classic.listed_bytes, row.classic.inspect_bytes),
        megabytes(row.containerd.listed_bytes),
        megabytes(row.containerd.inspect_bytes),
        megabytes(row.compressed) if row.compressed is not None else "—",
    ]
    return [
        literal(f"{row.lab} {row.variant}"),
        *(_labelled(_(h), f) for h, f in zip(HEADERS[1:], figures, strict=True)),
    ]


def _labelled(label: str, figure: str) -> nodes.inline:
    cell = nodes.inline()
    cell += nodes.inline("", _("{label}: ").format(label=label), classes=["slimlab-cell-label"])
    cell += nodes.Text(figure)
    return cell


def held(every: Iterable[Results]) -> list[str]:
    """``lab-4-go-multistage: 17 of 17 on the containerd store`` for each other store's judged claims."""
    return [
        _("{lab}: {held} of {count} on the {store} store").format(
            lab=results.lab, held=sum(c.passed for c in run.claims), count=len(run.claims), store=store
        )
        for results in every
        for store, run in results.stores.items()
        if run.claims
    ]


class StoreTableDirective(SphinxDirective):
    """The same images on Docker's two image stores: what each reports, beside slimlab's figure."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {"variants": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        every = every_results(self.env)
        variants = self.options.get("variants", "before after").split()
        rows = store_rows(every, variants)
        if not rows:
            return not_recorded(_("No lab is recorded on both image stores yet: run {command}."))
        # On a phone the columns stack, one row under another (slimlab.css).
        tab = table([_(h) for h in HEADERS], [cells(row) for row in rows], ["slimlab-stores", "slimlab-stack"])
        found: list[nodes.Node] = [tab]
        if judged := held(every):
            found.append(
                para(
                    _("Claims judged again on the other store and held: {counts}.").format(counts=_("; ").join(judged)),
                    classes=["slimlab-chart-caption"],
                )
            )
        if missing := [r.lab for r in every if r.stores and not {"classic", "containerd"} <= set(r.stores)]:
            message = _("Not measured on both stores yet: {labs} (the next {command} that verifies them adds it).")
            found.append(
                para(
                    *fill(message, labs=literals(missing), command=literal("make check")),
                    classes=["slimlab-chart-caption"],
                )
            )
        return found
