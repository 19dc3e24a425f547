"""The guide's Sphinx extension: pages show what the checker recorded, never what someone typed.

Directives and roles (all read ``labs/*/lab.toml`` and ``results.json``;
nothing here calls Docker or imports :mod:`checks.engine.docker`):

``.. lab-results:: LAB``
    The lab's figures: its variants (size, layers, compressed size and runtime
    floor once recorded, share of ``before``; on a phone each variant's row
    stacks, every figure named), one short line saying when they were measured
    and linking to how (:func:`checks.guide.fromrecords.measuring_line`), a
    chart of every variant's layers (:mod:`checks.guide.charts`: SVG, an HTML
    twin for narrow screens, and every step's instruction in a folded list),
    and the list of its claims that the page's ``.. claim::`` rows join.
    Options: ``:no-chart:``, ``:no-claims:`` (the claims then list where the
    first ``.. claim::`` of the lab stands).
``.. floor-chart::``
    Every recorded image beside its runtime floor (:mod:`checks.guide.floorchart`).
``.. claim:: L4.1``
    A claim's row in its lab's list (:mod:`checks.guide.evidence`): verdict,
    statement, measured against expected, and the anchor the checker's failure
    message links to (``#l4-1``); the directive's content (why it matters) and
    the claim's hint are folded under it, and a link to the row opens it.
``:measured:`LAB/VARIANT/FIELD```
    One measured value in prose; the fields are :data:`checks.guide.docdata.FIELDS`.
``:size-difference:`LAB/VARIANT/OTHER```
    VARIANT's size minus OTHER's, in prose or a table cell: what one change
    adds or saves, when two variants differ in that change alone.
``:claim:`L4.1```, ``:claim:`words <L4.1>```, ``:verdict:`L4.1```
    A link to a claim's row from any page: with the id as its text (for
    reference pages), or with the words given (for teaching prose, which shows
    no ids); ``verdict`` adds the recorded verdict.
``.. lab-exercise:: LAB``
    The lab's exercise: its task, the goals ``make lab-N`` judges each in a
    short form linked to its claim's row (never the claim's own sentence again),
    ``exercise.Dockerfile`` and the reference answer folded
    (:mod:`checks.guide.exercise`).  Its anchor is ``exercise-lab-N``.
``.. headline:: LAB``
    The lab's measured headline, ``948.7 MB → 6.2 MB (0.66% of the size)``, for the
    first screen of its page (:mod:`checks.guide.teaching`; ``:variant:`` for
    another variant than ``after``).
``.. try-lab:: LAB``
    A "Try it: ``make lab-N``" box with the first sentence of the lab's task and
    a link to its exercise (:mod:`checks.guide.teaching`).
``.. top-results::``
    The front page's headline results: the labs' largest before → after
    reductions, chosen from the recorded results (``:count:``, default 3;
    :mod:`checks.guide.teaching`).
``.. handout::``
    Marks a page as a handout: printed, it fits one A4 page without the
    sidebar, header, footer or language switcher (:mod:`checks.guide.teaching`).
``.. workshop-timings::``
    The measured cold and warm grade time of every lab, from
    ``docs/workshop-timings.json`` (written by ``make bench``;
    :mod:`checks.guide.timingsdoc`).
``.. standin-bases::``, ``.. claim-kinds::``, ``.. lab-toml-keys:: TABLE``, ``.. measured-fields::``
    Reference material rendered from the code and the recipes
    (:mod:`checks.guide.sphinxref`).
``.. size-fixes:: PAGE``
    What ``analyze`` and ``lint`` link to this page for, folded in one block
    (:mod:`checks.guide.sphinxref`).
``.. measured-on::``, ``.. lab-provenance::``
    A page's one line on when its figures were measured; the measuring page's
    table of every lab's recording and bases (:mod:`checks.guide.fromrecords`).

Every block a page shows as evidence (figures, claims, the exercise, the
size fixes) carries the class :data:`checks.guide.evidence.EVIDENCE`; the
prose budget of a technique page (``tests/test_docs_budget.py``) counts its
teaching words up to the first of them.

Every build checks every lab: missing or stale results (the lab's files no
longer hash to the recorded ``inputs_sha256``), a lab page that does not
exist, or a claim with no ``.. claim::`` on its lab's page is a warning,
which ``-W`` turns into a failed build.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective, SphinxRole

from checks.guide import (
    compressionchart,
    editions,
    evidence,
    exercise,
    floorchart,
    fromrecords,
    layertally,
    pullchart,
    rebuildtable,
    sphinxref,
    teaching,
    timingsdoc,
    updatechart,
)
from checks.guide.charts import layer_bars, layer_chart, layer_steps, layer_writers
from checks.guide.docdata import (
    FIELDS,
    LabDocs,
    compressed_bytes,
    did_you_mean,
    difference,
    parse_path,
    percent,
    pull_seconds,
    staleness,
    value,
)
from checks.guide.nodes import (
    WARN,
    _reset,
    all_labs,
    depart_measured_value,
    fill,
    labs_dir,
    literal,
    logger,
    measured_node,
    measured_value,
    note_use,
    para,
    smoke_cell,
    table,
    visit_measured_value,
)
from checks.model import spec as lab_spec
from checks.model.i18n import _
from checks.model.links import anchor
from checks.model.measured import Measured
from checks.model.units import megabytes

# ---------------------------------------------------------------------------
# Reading labs: once per build, from the configured folder.


# ---------------------------------------------------------------------------
# Nodes: a measured value carries its source in data-* attributes (the tests read them).


def not_pulled() -> str:
    """The tooltip of an empty cold-pull cell (see :func:`checks.model.pulls.run_plan`)."""
    return _("sized, not pulled: a lab times cold pulls of its before, its after and any image a claim judges")


def floor_cell(lab: str, variant: str, m: Measured) -> nodes.Node | str:
    """The runtime floor and the share of the image it is (``6.2 MB, 100% used``); a dash when not measured."""
    if m.runtime_bytes is None:
        return "—"
    tip = _("{bytes} bytes in {files} files opened or executed by the smoke test").format(
        bytes=f"{m.runtime_bytes:,}", files=f"{m.runtime_files:,}"
    )
    used = measured_node(lab, variant, "used", percent(m.utilisation or 0.0), None, _("runtime floor / size"))
    floor = measured_node(lab, variant, "floor", megabytes(m.runtime_bytes), m.runtime_bytes, tip)
    return para(*fill(_("{floor}, {used} used"), floor=floor, used=used))


def labelled(header: str, cell: nodes.Node | str) -> nodes.paragraph:
    """A figure's cell with its column's name in front, which only a phone shows (it stacks each row's cells)."""
    label = nodes.inline(header, header, classes=["slimlab-cell-label"])
    if isinstance(cell, nodes.paragraph):
        cell.insert(0, label)
        return cell
    return para(label, cell)


# ---------------------------------------------------------------------------
# .. lab-results:: LAB


class LabResultsDirective(SphinxDirective):
    """A lab's recorded measurement: variants, claims, bases and a layer chart."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = {
        "no-chart": directives.flag,
        "no-claims": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        labs = all_labs(self.env.app)
        if name not in labs:
            logger.warning(
                f"lab-results: no lab '{name}' in {labs_dir(self.env.app)}.{did_you_mean(name, list(labs))}",
                location=self.get_location(),
                **WARN,
            )
            return []
        lab = labs[name]
        self.env.note_dependency(str(lab.results_path))
        self.env.note_dependency(str(lab.folder / lab_spec.SPEC_NAME))
        self.env.slimlab_results.setdefault(self.env.docname, set()).add(name)  # type: ignore[attr-defined]
        note_use(self.env, name)
        box = nodes.container(classes=["slimlab-lab-results", evidence.EVIDENCE])
        if lab.results is None:
            box += nodes.warning(
                "",
                para(
                    *fill(
                        _("No measurement of {lab} is recorded yet: run {command}."),
                        lab=name,
                        command=literal("make check"),
                    )
                ),
            )
            return [box]
        box += self.variants(lab)
        box += fromrecords.measuring_line([lab.results])
        if "no-chart" not in self.options:
            box += self.chart(lab)
        if "no-claims" not in self.options:
            box += evidence.claims_list(name)
        return [box]

    def variants(self, lab: LabDocs) -> nodes.table:
        r = lab.results
        assert r is not None
        described = {v.name: v.description for v in lab.spec.variants} if lab.spec else {}
        with_compressed = any(compressed_bytes(m) is not None for m in r.variants.values())
        with_pulls = any(pull_seconds(m) is not None for m in r.variants.values())
        with_floor = any(m.runtime_bytes is not None for m in r.variants.values())
        headers = [
            _("Variant"),
            _("Size"),
            *([_("Compressed")] if with_compressed else []),
            *([_("Cold pull")] if with_pulls else []),
            *([_("Runtime floor")] if with_floor else []),
            _("Layers"),
            _("vs before"),
            _("Smoke test"),
        ]
        rows = []
        for vname, m in r.variants.items():
            first: list[nodes.Node] = [para(nodes.strong(vname, vname))]
            if described.get(vname):
                first.append(para(described[vname], classes=["slimlab-description"]))
            cell = nodes.container("", *first)
            tip = _("{bytes} bytes").format(bytes=f"{m.size_bytes:,}")
            row: list[nodes.Node | str] = [
                cell,
                measured_node(lab.name, vname, "size", megabytes(m.size_bytes), m.size_bytes, tip),
            ]
            if with_compressed:
                size = compressed_bytes(m)
                row.append(
                    measured_node(
                        lab.name,
                        vname,
                        "compressed",
                        megabytes(size),
                        size,
                        _("{bytes} bytes").format(bytes=f"{size:,}"),
                    )
                    if size is not None
                    else "—"
                )
            if with_pulls:
                row.append(
                    measured_node(lab.name, vname, "pull", value(r, vname, "pull"), None, _("median of cold pulls"))
                    if pull_seconds(m) is not None
                    else nodes.abbreviation("—", "—", explanation=not_pulled())
                )
            if with_floor:
                row.append(floor_cell(lab.name, vname, m))
            row.append(measured_node(lab.name, vname, "layers", str(m.layer_count), None, _("filesystem layers")))
            row.append("—" if vname == "before" else _("{ratio} of before").format(ratio=value(r, vname, "ratio")))
            row.append("—" if m.smoke is None else smoke_cell(m.smoke.passed))
            rows.append([row[0], *(labelled(header, cell) for header, cell in zip(headers[1:], row[1:], strict=True))])
        widths = [
            40,
            14,
            *([14] if with_compressed else []),
            *([12] if with_pulls else []),
            *([16] if with_floor else []),
            10,
            16,
            14,
        ]
        return table(headers, rows, ["slimlab-variants"], widths)

    def layer_writers(self) -> frozenset[str]:
        """Which instructions write a layer of no bytes, decided from every lab's records, as the layers page does."""
        recorded = {}
        for name, other in all_labs(self.env.app).items():
            self.env.note_dependency(str(other.results_path))
            if other.results is not None:
                recorded[name] = other.results.variants
        return layer_writers(layertally.histories(recorded))

    def chart(self, lab: LabDocs) -> nodes.container:
        """The SVG chart, its narrow-screen HTML twin (the stylesheet shows one of them) and every step in words."""
        r = lab.results
        assert r is not None
        chart_id = f"slimlab-chart-{lab.name}-{self.env.new_serialno('slimlab-chart')}"
        writers = self.layer_writers()
        svg = layer_chart(lab.name, r.variants, chart_id=chart_id, writers=writers)
        bars = layer_bars(lab.name, r.variants, chart_id=chart_id, writers=writers)
        caption = para(
            _(
                "Each bar is one image on a shared scale; each segment is a layer that adds files, "
                "and each ▼ marker a layer that adds no bytes (a delete, a new directory). "
                "The list below names the instruction behind every segment and marker."
            ),
            classes=["slimlab-chart-caption"],
        )
        return nodes.container(
            "",
            nodes.raw("", svg, format="html"),
            nodes.raw("", bars, format="html"),
            caption,
            nodes.raw("", layer_steps(r.variants, writers=writers), format="html"),
            classes=["slimlab-chart-box"],
        )


# ---------------------------------------------------------------------------
# :measured:`lab/variant/field`


class MeasuredRole(SphinxRole):
    """One recorded value in running prose."""

    def lab(self, name: str) -> LabDocs:
        """The lab the role names (LookupError when there is none); the page now depends on its results."""
        labs = all_labs(self.env.app)
        if name not in labs:
            raise LookupError(f"no lab '{name}'.{did_you_mean(name, list(labs))}")
        note_use(self.env, name)
        self.env.note_dependency(str(labs[name].results_path))
        return labs[name]

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            lab_name, variant, field = parse_path(self.text)
            lab = self.lab(lab_name)
            if lab.results is None:  # the build already warns once per lab (check_labs)
                return [nodes.inline(self.text, _("(not measured yet)"), classes=["slimlab-missing"])], []
            text = value(lab.results, variant, field)
        except (ValueError, LookupError) as error:
            logger.warning(f"measured: {error}", location=self.get_location(), **WARN)
            return [nodes.inline(self.text, _("(not measured)"), classes=["slimlab-missing"])], []
        m = lab.results.variants[variant]
        size = {
            "size": m.size_bytes,
            "bytes": m.size_bytes,
            "compressed": compressed_bytes(m),
            "floor": m.runtime_bytes,
        }.get(field)
        what = FIELDS[field].help.split(" (")[0].replace(", once recorded", "")
        tooltip = _("{what} — from labs/{lab}/results.json, measured {date}").format(
            what=what, lab=lab_name, date=lab.results.measured_at[:10]
        )
        return [measured_node(lab_name, variant, field, text, size, tooltip.replace("`", ""))], []


class SizeDifferenceRole(MeasuredRole):
    """``:size-difference:`lab/variant/other```: one variant's size minus another's, in prose or a table."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            lab_name, variant, of = parse_path(self.text, "lab/variant/other", "lab-3-only-what-runs/apt-lists/after")
            lab = self.lab(lab_name)
            if lab.results is None:  # the build already warns once per lab (check_labs)
                return [nodes.inline(self.text, _("(not measured yet)"), classes=["slimlab-missing"])], []
            size, text = difference(lab.results, variant, of)
        except (ValueError, LookupError) as error:
            logger.warning(f"size-difference: {error}", location=self.get_location(), **WARN)
            return [nodes.inline(self.text, _("(not measured)"), classes=["slimlab-missing"])], []
        tooltip = _(
            "size of {variant} minus size of {of}: {bytes} bytes — from labs/{lab}/results.json, measured {date}"
        ).format(variant=variant, of=of, bytes=f"{size:,}", lab=lab_name, date=lab.results.measured_at[:10])
        node = measured_node(lab_name, variant, "size-difference", text, None, tooltip)
        node["of"] = of
        return [node], []


# ---------------------------------------------------------------------------
# Every build: are the recorded results current, and is every claim placed on its page?


def check_labs(app: Sphinx, env: BuildEnvironment) -> None:
    placed: dict[str, tuple[str, int]] = env.slimlab_claims  # type: ignore[attr-defined]
    shown = {lab for labs in env.slimlab_results.values() for lab in labs}  # type: ignore[attr-defined]
    for lab in all_labs(app).values():
        for problem in lab_problems(lab, env.found_docs, placed, shown):
            logger.warning(problem, **WARN)


def lab_problems(lab: LabDocs, docs: Iterable[str], placed: dict[str, tuple[str, int]], shown: set[str]) -> list[str]:
    """What keeps the guide from telling the truth about one lab (pure: for tests too)."""
    if lab.spec is None:
        return [f"labs/{lab.name}/lab.toml cannot be read: {lab.problem}"]
    problems = [stale] if (stale := staleness(lab)) else []
    page = lab.spec.page
    if page not in set(docs):
        return [
            *problems,
            (
                f"labs/{lab.name}/lab.toml names page '{page}', which the guide does not have, so the checker's "
                f"links to {page}.html#... lead nowhere. Add docs/{page}.rst (or .md) or fix [lab] page."
            ),
        ]
    if lab.name not in shown:
        problems.append(
            f"{lab.name} is on no page: add `.. lab-results:: {lab.name}` to its Measured section on docs/{page}."
        )
    for claim in lab.spec.claims:
        where = placed.get(claim.id)
        if where is None:
            problems.append(
                f"claim {claim.id} of {lab.name} has no `.. claim:: {claim.id}` on docs/{page}, so the "
                f"checker's link {page}.html#{anchor(claim.id)} leads nowhere."
            )
        elif where[0] != page:
            problems.append(
                f"claim {claim.id} is placed on docs/{where[0]}, but lab.toml's page is '{page}': "
                f"the checker links to {page}.html#{anchor(claim.id)}."
            )
    return problems


# ---------------------------------------------------------------------------
# Environment bookkeeping (incremental and parallel builds).


def lab_state(lab: LabDocs) -> tuple[str, str | None]:
    """What, when it changes, makes the pages of a lab out of date."""
    return lab.current_sha256, lab.results.inputs_sha256 if lab.results else None


def outdated_docs(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read the pages of every lab whose files changed, or whose results are missing or stale.

    Sphinx re-reads a page when a file it depends on changes, and checks
    consistency only when it re-read something.  A lab file edited without
    ``make check`` changes no page, so this hook marks the lab's pages (and the
    root page, so the checks below always run) as outdated: the staleness
    warning then fails every build until the results are current.
    """
    _reset(app)
    init_env(app, env, [])
    labs = all_labs(app)
    state = {name: lab_state(lab) for name, lab in labs.items()}
    previous: dict[str, Any] = env.slimlab_state  # type: ignore[attr-defined]
    env.slimlab_state = state  # type: ignore[attr-defined]
    shown = {lab for used in env.slimlab_results.values() for lab in used}  # type: ignore[attr-defined]
    placed: dict[str, tuple[str, int]] = env.slimlab_claims  # type: ignore[attr-defined]
    dirty = {
        name
        for name, lab in labs.items()
        if state[name] != previous.get(name) or lab_problems(lab, env.found_docs, placed, shown)
    }
    dirty |= set(previous) - set(state)
    if not dirty:
        return []
    uses: dict[str, set[str]] = env.slimlab_uses  # type: ignore[attr-defined]
    docs = {doc for doc, used in uses.items() if used & dirty} | {app.config.root_doc}
    return sorted(docs & env.found_docs)


def init_env(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    for name in ("slimlab_claims", "slimlab_results", "slimlab_uses", "slimlab_state"):
        if not hasattr(env, name):
            setattr(env, name, {})


def purge_before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Forget every page about to be read before reading the first, as Sphinx's parallel read does.

    A serial read forgets a page just before reading it, so a label or a claim that moved from a later page to
    an earlier one is still found on the later one: a false "duplicate label" that fails an incremental build.
    """
    for docname in docnames:
        app.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    init_env(app, env, [])
    claims = env.slimlab_claims  # type: ignore[attr-defined]
    for claim_id in [c for c, (doc, _line) in claims.items() if doc == docname]:
        del claims[claim_id]
    env.slimlab_results.pop(docname, None)  # type: ignore[attr-defined]
    env.slimlab_uses.pop(docname, None)  # type: ignore[attr-defined]


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for name in ("slimlab_claims", "slimlab_results", "slimlab_uses"):
        getattr(env, name).update(getattr(other, name))


# ---------------------------------------------------------------------------
# .. workshop-timings::


class WorkshopTimingsDirective(SphinxDirective):
    """Each lab's measured grade time, cold and warm, with when and on what it was measured."""

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir) / timingsdoc.TIMINGS_NAME
        self.env.note_dependency(str(path))
        try:
            data = timingsdoc.read_timings(path)
        except ValueError as error:
            logger.warning(f"workshop-timings: {error}", location=self.get_location(), **WARN)
            message = _("No workshop timings are recorded yet: run {command}.")
            return [nodes.warning("", para(*fill(message, command=literal("make bench"))))]
        tab = table(
            [_(header) for header in timingsdoc.HEADERS], timingsdoc.rows(data), ["slimlab-timings"], widths=[3, 1, 1]
        )
        title = nodes.title("", timingsdoc.caption(data), translatable=False)
        tab.insert(0, title)
        return [tab]


def guide_modules() -> dict[str, Path]:
    """Every ``checks`` module imported so far, by name: after the extension is imported, all that it uses."""
    found = {}
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if (name == "checks" or name.startswith("checks.")) and path:
            found[name] = Path(path)
    return found


def source_sha256(modules: Mapping[str, Path] | None = None) -> str:
    """Fingerprint of the modules that render the guide: when one changes, every page is rendered again.

    By default the modules are :func:`guide_modules`, so a module the extension
    comes to import later is covered without anyone listing it.
    """
    digest = hashlib.sha256()
    for name, path in sorted((modules if modules is not None else guide_modules()).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def setup(app: Sphinx) -> dict[str, Any]:
    # Not set in conf.py: its value changing (the code changed) makes Sphinx re-read every page.
    app.add_config_value("slimlab_source_sha256", source_sha256(), "env", types=[str])
    app.add_config_value("slimlab_labs", "", "env", types=[str])
    app.add_config_value("slimlab_bases", "", "env", types=[str])
    app.add_node(measured_value, html=(visit_measured_value, depart_measured_value))
    app.add_directive("lab-results", LabResultsDirective)
    app.add_directive("workshop-timings", WorkshopTimingsDirective)
    editions.setup(app)
    evidence.setup(app)
    sphinxref.setup(app)
    exercise.setup(app)
    teaching.setup(app)
    fromrecords.setup(app)
    pullchart.setup(app)
    floorchart.setup(app)
    rebuildtable.setup(app)
    updatechart.setup(app)
    compressionchart.setup(app)
    app.add_role("measured", MeasuredRole())
    app.add_role("size-difference", SizeDifferenceRole())
    app.connect("env-get-outdated", outdated_docs)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-before-read-docs", purge_before_reading)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("env-check-consistency", check_labs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
