"""Image analysis: where the bytes are, what is wasted, and which technique removes it.

``python -m checks analyze IMAGE [--json]``; :func:`analysis_of` turns an
image's layers into an :class:`Analysis`.  Three views of one image:

- **layers**: each layer's size, the instruction that made it, and the
  directories it added most bytes to;
- **dive's numbers**: wasted bytes and efficiency with exactly dive's
  definitions (:mod:`checks.inspect.efficiency` spells them out), so they can be checked
  against ``dive``, and beside them the reclaimable bytes: what later layers
  replaced or deleted, each byte once;
- **what dive does not see**: bytes in classes a running app rarely needs
  (compilers, package lists, caches, headers, docs, files a later layer deleted,
  ...), each with its largest places and the guide section that removes it
  (:mod:`checks.inspect.removable`);
- **packages**, when the layers were read with their package databases: each file a container sees attributed
  to the dpkg, apk, pip or npm package that owns it, and the layer that brought each
  (:mod:`checks.inspect.packages`);
- **secrets**, when the layers were read with their small files' contents:
  secret-looking content in every layer, deleted later or not, and in the
  config's ``Env`` and history (:mod:`checks.inspect.secrets`), values redacted.

Everything here is a plain function of layers already read;
:func:`checks.engine.layer_source.analyze` reads them from an engine, and
:func:`checks.inspect.layout.read_path` from an archive or a folder.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checks.inspect.archive import ImageContents
from checks.inspect.efficiency import PathWaste, efficiency
from checks.inspect.filetree import PAGE, tree
from checks.inspect.layers import Copy, Entry, Hidden, bytes_by_directory, largest, stack
from checks.inspect.packages import Package, attribute
from checks.inspect.packages import render as package_lines
from checks.inspect.packages import to_list as package_list
from checks.inspect.removable import ClassBytes, classes
from checks.inspect.secretfindings import Finding, findings
from checks.inspect.secrets import CONFIG_ENV, HISTORY, Match
from checks.model.links import DEFAULT_DOCS_URL, Section
from checks.model.scrub import NOT_SHOWN
from checks.model.units import megabytes

if TYPE_CHECKING:  # what results.json records: imported where it is made, so `analyze` does not load the lab model
    from checks.model.measured import SecretSeen
    from checks.model.results import AnalysisSummary

#: How many directories per layer, and places per class, a report names.
TOP = 5
MISSING = "(missing)"
#: Classes smaller than this are counted in the JSON and the total, not listed in the report.
SHOWN_CLASS_BYTES = 1000
#: How history entries spell a Dockerfile line: the classic builder's, and BuildKit's RUN with build args.
NOP, SHELL = "/bin/sh -c #(nop) ", "/bin/sh -c "
#: How the report names where the layers were read.
READ_FROM = {
    "storage": "the engine's storage",
    "save": "docker save",
    "content-store": "containerd's content store",
    "docker-archive": "a docker save archive",
    "oci-layout": "an OCI image layout",
}
#: What the report says each waste figure counts.
DIVE = "(every copy of a path in two or more layers, the one that ships included)"
RECLAIMABLE = "(copies later layers replaced or deleted: in the image, seen by no container)"
#: The guide section the secrets report points to.
SECRETS_SECTION = Section("layers", "secrets-in-layers")
#: A build arg's value may be redacted (``NPM_TOKEN=…(11 chars)``, see :func:`checks.inspect.secrets.redact`).
BUILDKIT_RUN = re.compile(r"^RUN (?:\|\d+ (?:\S+=\S*(?: chars\))? )*)?/bin/sh -c ")


@dataclass(frozen=True, kw_only=True)
class LayerReport:
    """One filesystem layer."""

    index: int
    #: Sum of the sizes in the layer's tar headers (what dive shows as the layer's size).
    size_bytes: int
    #: The history entry that made it, as the image config records it.
    created_by: str
    #: The directories (three levels deep) this layer added most bytes to, largest first.
    top_dirs: tuple[tuple[str, int], ...]


@dataclass(frozen=True, kw_only=True)
class Analysis:
    """Everything :func:`analyze` found in one image."""

    #: The reference it was asked for.
    image: str
    image_id: str
    #: Where the layers were read: ``storage`` or ``save`` (see :mod:`checks.engine.layer_source`), or
    #: ``docker-archive`` or ``oci-layout`` (a file or folder, see :mod:`checks.inspect.layout`).
    source: str
    #: The bytes of the files in its layers, on either store (``docker image inspect``'s Size on the classic one).
    size_bytes: int
    layers: tuple[LayerReport, ...]
    #: dive's efficiency: Σ smallest copy of each path / Σ all copies.
    efficiency: float
    #: dive's wasted bytes: Σ all copies of every path counted in two or more layers.
    wasted_bytes: int
    #: Bytes of every copy a later layer replaced or deleted, the copy that ships not counted.
    reclaimable_bytes: int
    #: The paths behind ``wasted_bytes``, largest first.
    inefficiencies: tuple[PathWaste, ...]
    #: Bytes in removable classes, largest first; empty classes are left out.
    classes: tuple[ClassBytes, ...]
    #: What a container sees: every non-directory path and its winning copy (not serialized, never shown).
    files: Mapping[str, Copy] = dataclasses.field(metadata=NOT_SHOWN)
    #: Secret-looking findings in every layer and the config; None when the layers' contents were not read.
    secrets: tuple[Finding, ...] | None = None
    #: What the reader decided that the user should hear (which of several platforms' images it read).
    notes: tuple[str, ...] = ()
    #: The config's history, oldest first (``created_by``, ``empty_layer``): which step made which layer.
    history: tuple[Mapping[str, Any], ...] = ()
    #: Every copy a later layer replaced or deleted (not serialized, never shown): the explorer's deleted files.
    hidden: tuple[Hidden, ...] = dataclasses.field(default=(), metadata=NOT_SHOWN)
    #: Every package and the row of files no package owns, largest first; None when the records were not read.
    packages: tuple[Package, ...] | None = None
    #: Package records that could not be read, and why.
    package_notes: tuple[str, ...] = ()

    @property
    def removable_bytes(self) -> int:
        """The classes' bytes added up (no byte is in two classes)."""
        return sum(c.size_bytes for c in self.classes)


def instructions(history: Iterable[Mapping[str, Any]], count: int) -> list[str]:
    """The ``created_by`` of each of ``count`` layers: history entries that are not empty layers, in order."""
    made = [str(step.get("created_by", "")) for step in history if not step.get("empty_layer")]
    return (made + [MISSING] * count)[:count]


def layer_report(index: int, entries: Sequence[Entry], created_by: str) -> LayerReport:
    dirs = bytes_by_directory((e.path, e.size) for e in entries if not e.is_dir)
    return LayerReport(
        index=index, size_bytes=sum(e.size for e in entries), created_by=created_by, top_dirs=largest(dirs, TOP)
    )


def analysis_of(contents: ImageContents, *, found: Callable[[], Sequence[Sequence[Match]]] | None = None) -> Analysis:
    """The analysis of layers already read.  ``found`` gives what the secret rules found in each layer when
    ``contents`` does not hold it; it is asked for last, so it may still be in the making while the rest is worked out.
    """
    made = instructions(contents.history, len(contents.layers))
    stacked = stack(contents.layers)
    dive = efficiency(contents.layers, stacked)
    by_class = classes(stacked.files.values(), stacked.hidden, top=TOP)
    owned = None if contents.records is None else attribute(contents.records, stacked.files)
    matches = contents.found if found is None else found()
    return Analysis(
        image=contents.ref,
        image_id=contents.image_id,
        source=contents.source,
        size_bytes=contents.size_bytes,
        layers=tuple(layer_report(i, entries, made[i]) for i, entries in enumerate(contents.layers)),
        efficiency=dive.efficiency,
        wasted_bytes=dive.wasted_bytes,
        reclaimable_bytes=dive.reclaimable_bytes,
        inefficiencies=dive.inefficiencies,
        classes=by_class,
        files=stacked.files,
        secrets=None
        if matches is None
        else findings(
            contents.layers,
            matches,
            stacked,
            history=contents.history,
            env=contents.env,
            diff_ids=contents.diff_ids,
        ),
        notes=contents.notes,
        history=tuple(contents.history),
        hidden=stacked.hidden,
        packages=None if owned is None else owned[0],
        package_notes=() if owned is None else owned[1],
    )


def summary(analysis: Analysis) -> AnalysisSummary:
    """What ``results.json`` records of an analysis: dive's figures, the removable classes, the tree folded for a
    page."""
    from checks.model.results import AnalysisSummary

    return AnalysisSummary(
        wasted_bytes=analysis.wasted_bytes,
        efficiency=analysis.efficiency,
        reclaimable_bytes=analysis.reclaimable_bytes,
        classes={c.id: c.size_bytes for c in analysis.classes},
        tree=tree(analysis.files, analysis.hidden, analysis.inefficiencies, fold=PAGE),
    )


def secrets_seen(analysis: Analysis) -> tuple[SecretSeen, ...]:
    """What ``results.json`` records of an analysis's secret findings: rule, place, layer and whether it shows."""
    from checks.model.measured import SecretSeen

    return tuple(SecretSeen(rule=f.rule, path=f.path, layer=f.layer, visible=f.visible) for f in analysis.secrets or ())


def summary_lines(analysis: Mapping[str, AnalysisSummary], count: int = 3) -> list[str]:
    """One line per variant for the verify report: dive's numbers and the largest removable classes."""
    lines = []
    for name, found in analysis.items():
        biggest = ", ".join(f"{class_id} {megabytes(size)}" for class_id, size in list(found.classes.items())[:count])
        reclaimable = "" if found.reclaimable_bytes is None else f", reclaimable {megabytes(found.reclaimable_bytes)}"
        lines.append(
            f"  {name}: wasted {megabytes(found.wasted_bytes)} (efficiency {found.efficiency:.1%}){reclaimable};"
            f" need not be here: {biggest or 'nothing known'}"
        )
    return lines


def _places(rows: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"path": path, "size_bytes": size} for path, size in rows]


def to_dict(analysis: Analysis, *, docs_url: str = DEFAULT_DOCS_URL) -> dict[str, Any]:
    """The JSON form printed by ``analyze --json`` (paths have no leading slash)."""
    return {
        "image": analysis.image,
        "image_id": analysis.image_id,
        "source": analysis.source,
        "notes": list(analysis.notes),
        "size_bytes": analysis.size_bytes,
        "efficiency": analysis.efficiency,
        "wasted_bytes": analysis.wasted_bytes,
        "reclaimable_bytes": analysis.reclaimable_bytes,
        "removable_bytes": analysis.removable_bytes,
        "layers": [
            {
                "index": layer.index,
                "size_bytes": layer.size_bytes,
                "created_by": layer.created_by,
                "top_dirs": _places(layer.top_dirs),
            }
            for layer in analysis.layers
        ],
        "classes": {
            c.id: {
                "title": c.removable.title,
                "size_bytes": c.size_bytes,
                "files": c.files,
                "url": c.removable.section.url(docs_url),
                "top": _places(c.top),
            }
            for c in analysis.classes
        },
        "inefficiencies": [
            {"path": w.path, "count": w.count, "size_bytes": w.size_bytes} for w in analysis.inefficiencies
        ],
        **({} if analysis.packages is None else {"packages": package_list(analysis.packages)}),
        **({} if analysis.secrets is None else {"secrets": [secret_dict(f) for f in analysis.secrets]}),
    }


def secret_dict(finding: Finding) -> dict[str, Any]:
    """One finding as ``analyze --json`` prints it: where and how it shows, its value redacted."""
    return {**dataclasses.asdict(finding), "state": finding.state}


def short(diff_id: str) -> str:
    """A diff id as a report shows it: its first 12 hex digits."""
    return diff_id.removeprefix("sha256:")[:12]


def secret_lines(found: Sequence[Finding], docs_url: str = DEFAULT_DOCS_URL) -> list[str]:
    """The report's secrets section: each finding's rule, place, layer, step and state, its value redacted."""
    lines = ["", "  secrets (in every layer, deleted later or not; values redacted):"]
    if not found:
        lines.append("    nothing secret-looking found")
    for f in found:
        where = f.path if f.path in (CONFIG_ENV, HISTORY) else "/" + f.path
        layer = "no layer" if f.layer is None else f"layer {f.layer}" + (f" ({short(f.diff_id)})" if f.diff_id else "")
        times = f" ×{f.count}" if f.count > 1 else ""
        lines.append(f"    {f.rule}: {where}, {layer}, {f.state}: {f.redacted}{times}")
        if f.created_by:
            lines.append(f"{'':6}added by: {_shorten(instruction(f.created_by), 96)}")
    if found:
        lines.append(f"{'':4}learn: {SECRETS_SECTION.url(docs_url)}")
    return lines


def instruction(created_by: str) -> str:
    """A history entry as the Dockerfile line it came from: ``RUN /bin/sh -c make # buildkit`` -> ``RUN make``."""
    text = created_by.removesuffix("# buildkit").strip()
    if text.startswith(NOP):
        text = text[len(NOP) :]
    elif text.startswith(SHELL):
        text = "RUN " + text[len(SHELL) :]
    text = BUILDKIT_RUN.sub("RUN ", text)
    return " ".join(text.split())


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _where(rows: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"/{path} {megabytes(size)}" for path, size in rows)


def render(analysis: Analysis, *, wasted_rows: int = 5, docs_url: str = DEFAULT_DOCS_URL) -> str:
    """The terminal report of ``analyze``."""
    source = READ_FROM.get(analysis.source, analysis.source)
    lines = [
        f"{analysis.image}: {megabytes(analysis.size_bytes)} in {len(analysis.layers)} layers (read from {source})",
        f"  dive's numbers: efficiency {analysis.efficiency:.2%}, wasted {megabytes(analysis.wasted_bytes)} {DIVE}",
        f"  reclaimable: {megabytes(analysis.reclaimable_bytes)} {RECLAIMABLE}",
        "",
        "  layer  size       instruction, then the directories it added most to",
    ]
    for layer in analysis.layers:
        lines.append(
            f"  {layer.index:>5}  {megabytes(layer.size_bytes):>9}  {_shorten(instruction(layer.created_by), 90)}"
        )
        if layer.top_dirs and layer.size_bytes:
            lines.append(f"{'':18}{_shorten(_where(layer.top_dirs[:3]), 90)}")
    lines += ["", "  what need not be here, by class:"]
    shown = [c for c in analysis.classes if c.size_bytes >= SHOWN_CLASS_BYTES]
    if not analysis.classes:
        lines.append("    nothing in the known removable classes")
    for c in shown:
        files = "1 file" if c.files == 1 else f"{c.files:,} files"
        lines.append(f"  {megabytes(c.size_bytes):>9}  {c.removable.title} ({files})")
        lines.append(f"{'':13}{_shorten(_where(c.top[:3]), 100)}")
        lines.append(f"{'':13}learn: {c.removable.section.url(docs_url)}")
    if len(shown) < len(analysis.classes):
        lines.append(f"{'':13}({len(analysis.classes) - len(shown)} more under 1 kB: --json lists them)")
    if analysis.classes:
        share = analysis.removable_bytes / analysis.size_bytes if analysis.size_bytes else 0
        lines.append(f"  {megabytes(analysis.removable_bytes):>9}  in all: {share:.1%} of the image")
    if analysis.inefficiencies:
        lines += ["", f"  dive's wasted bytes come most from ({len(analysis.inefficiencies)} paths in all):"]
        for row in analysis.inefficiencies[:wasted_rows]:
            lines.append(f"  {megabytes(row.size_bytes):>9}  /{row.path} ({row.count} copies)")
    if analysis.packages is not None:
        lines += package_lines(analysis.packages, analysis.package_notes)
    if analysis.secrets is not None:
        lines += secret_lines(analysis.secrets, docs_url)
    return "\n".join(lines)
