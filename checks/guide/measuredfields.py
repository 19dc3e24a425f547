"""The fields of the ``:measured:`` role: each value a lab's results record, as the text a page shows.

:data:`FIELDS` declares every field with what it shows (the reference page lists
them); :func:`value` turns one into text, :func:`difference` gives the size of
one variant minus another's. Pure: plain functions over recorded results.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from checks.guide.charts import size_text
from checks.guide.docdata import did_you_mean
from checks.model.compression import MATRIX, PUSHED, Compression
from checks.model.i18n import C_, _
from checks.model.measured import Compressed, Measured, Release, SharedPull
from checks.model.results import AnalysisSummary, Results
from checks.model.units import megabytes


def percent(ratio: float) -> str:
    """A ratio as a percentage with the digits that matter: ``0.66%``, ``4.5%``, ``45%``."""
    share = ratio * 100
    if share < 1:
        return f"{share:.2f}%"
    if share < 10:
        return f"{share:.1f}%"
    return f"{share:.0f}%"


def times(factor: float) -> str:
    """A factor, as in "13× its floor": ``152×``, ``3.4×`` (Chinese: ``13 倍``, never "×")."""
    return _("{factor}×").format(factor=f"{factor:.0f}" if factor >= 10 else f"{factor:.1f}")


def times_smaller(factor: float) -> str:
    """A factor of shrinking, as in "152× smaller": ``152×`` (Chinese reads it as a fraction: ``1/152``)."""
    return C_("times smaller", "{factor}×").format(factor=f"{factor:.0f}" if factor >= 10 else f"{factor:.1f}")


def compressed_bytes(m: Measured) -> int | None:
    """The compressed (registry) size, once the checker records it."""
    return getattr(m, "compressed_size_bytes", None)


def pull_seconds(m: Measured) -> float | None:
    """The median cold pull time, once the checker records pulls."""
    return getattr(m, "pull_seconds", None)


def _pull(m: Measured, before: Measured) -> str:
    seconds = pull_seconds(m)
    if seconds is None:
        raise LookupError("no pull time is recorded for it (results.json has no pull_runs yet)")
    return f"{seconds:.1f} s"


def _ratio(m: Measured, before: Measured) -> float:
    if not before.size_bytes:
        raise LookupError("the 'before' variant measured 0 bytes, so no ratio can be taken")
    return m.size_bytes / before.size_bytes


def _compressed(m: Measured, before: Measured) -> str:
    size = compressed_bytes(m)
    if size is None:
        raise LookupError("no compressed size is recorded for it (results.json has no compressed_size_bytes yet)")
    return megabytes(size)


def _new(m: Measured, before: Measured) -> str:
    if m.new_bytes is None:
        raise LookupError("no new bytes are recorded for it (results.json has no new_bytes yet)")
    return megabytes(m.new_bytes)


def _new_compressed(m: Measured, before: Measured) -> str:
    if m.new_compressed_bytes is None:
        raise LookupError("no compressed new bytes are recorded for it (results.json has no new_compressed_bytes)")
    return megabytes(m.new_compressed_bytes)


def _factor(m: Measured, before: Measured) -> str:
    if not m.size_bytes:
        raise LookupError("it measured 0 bytes, so no factor can be taken")
    return times_smaller(before.size_bytes / m.size_bytes)


def _floor(m: Measured) -> int:
    if m.runtime_bytes is None:
        raise LookupError("no runtime floor is recorded for it (results.json has no runtime_bytes yet)")
    return m.runtime_bytes


def _floor_files(m: Measured, before: Measured) -> str:
    _floor(m)
    return f"{m.runtime_files:,}"


def _stages(m: Measured, *, built: bool) -> str:
    if m.stages is None:
        raise LookupError("no stages are recorded for it (results.json has no stages yet)")
    return _(", ").join(name for name, steps in m.stages.items() if bool(steps) == built) or _("none")


def _secrets(m: Measured, before: Measured) -> str:
    if m.secrets is None:
        raise LookupError("no secret findings are recorded for it (only a no_secrets or secret_found claim has them)")
    count = len(m.secrets)
    if not count:
        return _("none")
    return (_("{count} findings") if count > 1 else _("{count} finding")).format(count=count)


def _used(m: Measured, before: Measured) -> str:
    _floor(m)
    return percent(m.utilisation or 0.0)


def _over_floor(m: Measured, before: Measured) -> str:
    floor = _floor(m)
    if not floor:
        raise LookupError("its runtime floor is 0 bytes, so no factor can be taken")
    return times(m.size_bytes / floor)


def _releases(m: Measured) -> tuple[Release, ...]:
    if not m.releases:
        raise LookupError("no later releases are recorded for it (only a variant an update claim reads has them)")
    return m.releases


def _update_pulled(m: Measured, before: Measured) -> str:
    pulled = [r.pulled_bytes for r in _releases(m) if r.pulled_bytes is not None]
    if not pulled:
        raise LookupError("no update pulls are recorded for it (results.json has no releases[].pulled_bytes)")
    return size_text(round(statistics.median(pulled)))


def _update_new(m: Measured, before: Measured) -> str:
    return size_text(round(statistics.median(r.new_bytes for r in _releases(m))))


def _update_pull(m: Measured, before: Measured) -> str:
    timed = [r.pull_seconds for r in _releases(m) if r.pull_seconds is not None]
    if not timed:
        raise LookupError("no update pull is timed for it (results.json has no releases[].pull_seconds)")
    return f"{statistics.median(timed):.2f} s"


def _update_build(m: Measured, before: Measured) -> str:
    return f"{statistics.median(r.build_seconds for r in _releases(m)):.1f} s"


def _shared(m: Measured) -> SharedPull:
    if len(m.shared_pulls) != 1:
        raise LookupError(
            f"it has {len(m.shared_pulls)} pulls on a node holding another variant recorded, and these fields "
            "show the one a shared_pull_ratio claim asks for"
        )
    return m.shared_pulls[0]


def _shared_pulled(m: Measured, before: Measured) -> str:
    return size_text(_shared(m).pulled_bytes)


def _shared_pull(m: Measured, before: Measured) -> str:
    seconds = _shared(m).pull_seconds
    if seconds is None:
        raise LookupError("its pull on a node holding another variant is not timed")
    return f"{seconds:.2f} s"


def _wasted(summary: AnalysisSummary) -> str:
    return megabytes(summary.wasted_bytes)


def _reclaimable(summary: AnalysisSummary) -> str:
    if summary.reclaimable_bytes is None:
        raise LookupError("no reclaimable bytes are recorded for it (its analysis predates them)")
    return megabytes(summary.reclaimable_bytes)


def _row(m: Measured, compression: Compression) -> Compressed:
    row = m.compressed(compression.key)
    if row is None:
        raise LookupError(
            f"its layers are not recorded compressed as {compression.key} (results.json has no compressions[])"
        )
    return row


def _seconds(value: float | None, what: str) -> str:
    if value is None:
        raise LookupError(f"its {what} is not timed")
    return f"{value:.1f} s"


def _compression_fields() -> dict[str, Field]:
    """The fields of the compression matrix, a few per compression of :data:`~checks.model.compression.MATRIX`."""

    def size(c: Compression) -> Callable[[Measured, Measured], str]:
        return lambda m, b: megabytes(_row(m, c).compressed_size_bytes)

    def share(c: Compression) -> Callable[[Measured, Measured], str]:
        return lambda m, b: percent(_row(m, c).compressed_size_bytes / _row(m, PUSHED).compressed_size_bytes)

    def compress(c: Compression) -> Callable[[Measured, Measured], str]:
        return lambda m, b: _seconds(_row(m, c).compress_seconds, "compression")

    def pull(c: Compression) -> Callable[[Measured, Measured], str]:
        return lambda m, b: _seconds(_row(m, c).pull_seconds, "pull")

    def unpack(c: Compression) -> Callable[[Measured, Measured], str]:
        return lambda m, b: _seconds(_row(m, c).unpack_seconds, "unpacking")

    fields: dict[str, Field] = {}
    for c in MATRIX:
        fields[f"{c.key}-compressed"] = Field(f"Compressed size as {c.key}, once recorded (``340.1 MB``).", size(c))
        if not c.pushed:
            fields[f"{c.key}-share"] = Field(
                f"That size as a share of {PUSHED.key}'s, once recorded (``87.58%``).", share(c)
            )
            fields[f"{c.key}-compress"] = Field(
                f"Seconds skopeo took to compress the layers as {c.key}, once recorded (``8.3 s``).", compress(c)
            )
        fields[f"{c.key}-pull"] = Field(f"Its cold pull as {c.key}, once recorded (``21.8 s``).", pull(c))
        fields[f"{c.key}-unpack"] = Field(
            f"The part of its cold pull as {c.key} spent unpacking layers, once recorded (``12.0 s``).", unpack(c)
        )
    return fields


@dataclass(frozen=True)
class Field:
    """One value the ``:measured:`` role can show; the docstring of each entry is in ``help``.

    ``show`` reads the variant's measurements (and ``before``'s); ``of_analysis`` reads the analysis
    recorded for the variant instead (``results.json``'s ``analysis``)."""

    help: str
    show: Callable[[Measured, Measured], str] | None = None
    of_analysis: Callable[[AnalysisSummary], str] | None = None


#: Every field of ``:measured:`lab/variant/FIELD```, with what it shows.
FIELDS: dict[str, Field] = {
    "size": Field(
        "Uncompressed size in decimal units, as `docker image ls` shows it (``6.2 MB``).",
        lambda m, b: megabytes(m.size_bytes),
    ),
    "bytes": Field(
        "Uncompressed size in bytes, with thousands separators (``6,231,089``).", lambda m, b: f"{m.size_bytes:,}"
    ),
    "layers": Field("Number of filesystem layers (``2``).", lambda m, b: str(m.layer_count)),
    "ratio": Field("Size as a share of the lab's ``before`` variant (``0.66%``).", lambda m, b: percent(_ratio(m, b))),
    "reduction": Field(
        "How much smaller than ``before``, as a share (``99.3%``).", lambda m, b: f"{(1 - _ratio(m, b)) * 100:.1f}%"
    ),
    "saved": Field(
        "Bytes saved against ``before``, in decimal units (``942.4 MB``).",
        lambda m, b: megabytes(b.size_bytes - m.size_bytes),
    ),
    "factor": Field("How many times smaller than ``before`` (``152×``).", _factor),
    "compressed": Field("Compressed size as a registry stores it, once recorded (``2.9 MB``).", _compressed),
    "new": Field(
        "Bytes a node that already holds the variant's base pulls: its layers the base lacks, uncompressed "
        "(``1.0 MB``).",
        _new,
    ),
    "new-compressed": Field("The same layers' compressed blobs, once recorded (``0.9 MB``).", _new_compressed),
    "pull": Field("Median time a fresh node took to pull it, once recorded (``1.9 s``).", _pull),
    "floor": Field(
        "Runtime floor: the bytes of the files its app opened or executed in its smoke test, once recorded "
        "(``6.2 MB``).",
        lambda m, b: megabytes(_floor(m)),
    ),
    "floor-files": Field("How many distinct files make up the runtime floor, once recorded (``152``).", _floor_files),
    "used": Field("The runtime floor as a share of the image's size, once recorded (``7.6%``).", _used),
    "over-floor": Field("How many times its runtime floor the image is, once recorded (``13×``).", _over_floor),
    "update-pulled": Field(
        "Compressed bytes a node that holds the release before downloads to update to a later release, the "
        "median over the releases, once recorded (``1.2 kB``).",
        _update_pulled,
    ),
    "update-new": Field(
        "Uncompressed bytes of the layers a later release adds over the releases before, the median (``4.1 kB``).",
        _update_new,
    ),
    "update-pull": Field("Median time that update pull took, once recorded (``0.21 s``).", _update_pull),
    "update-build": Field(
        "Median time a later release took to build, right after the release before (``1.3 s``).", _update_build
    ),
    "shared-pulled": Field(
        "Compressed bytes pulling it downloads on a node that already holds the other variant a "
        "``shared_pull_ratio`` claim names, once recorded (``3.4 MB``).",
        _shared_pulled,
    ),
    "shared-pull": Field("How long that pull took, once recorded (``0.52 s``).", _shared_pull),
    "user": Field("The configured user; ``root`` when none is set.", lambda m, b: m.user or "root"),
    "stages-built": Field(
        "The stages of its Dockerfile whose steps its build ran or took from the cache, as BuildKit names them "
        "(``base, build, stage-3``).",
        lambda m, b: _stages(m, built=True),
    ),
    "stages-skipped": Field(
        "The stages, up to the one built, of which its build ran no step: the target does not need them (``test``).",
        lambda m, b: _stages(m, built=False),
    ),
    "secrets": Field(
        "How many secret-looking findings the secret rules made in every layer, the config and the history, "
        "once a claim recorded them (``1 finding``, ``none``).",
        _secrets,
    ),
    "wasted": Field(
        "dive's wasted bytes: every copy of a path that two or more layers hold, the one that ships included "
        "(``100.0 MB``).",
        of_analysis=_wasted,
    ),
    "reclaimable": Field(
        "Bytes of every copy a later layer replaced or deleted, each counted once, once recorded (``50.0 MB``).",
        of_analysis=_reclaimable,
    ),
}
FIELDS.update(_compression_fields())


def value(results: Results, variant: str, field: str) -> str:
    """The text for one measured value; LookupError names what exists when the path is wrong."""
    if variant not in results.variants:
        raise LookupError(
            f"lab {results.lab} has no variant '{variant}'.{did_you_mean(variant, list(results.variants))}"
        )
    if field not in FIELDS:
        raise LookupError(f"'{field}' is not a measured field.{did_you_mean(field, list(FIELDS))}")
    measured = results.variants[variant]
    before = results.variants.get("before", measured)
    shown = FIELDS[field]
    try:
        if shown.of_analysis is not None:
            if variant not in results.analysis:
                raise LookupError("no analysis is recorded for it")
            return shown.of_analysis(results.analysis[variant])
        assert shown.show is not None
        return shown.show(measured, before)
    except LookupError as error:
        raise LookupError(f"{results.lab}/{variant}/{field}: {error}.") from None


def difference(results: Results, variant: str, of: str) -> tuple[int, str]:
    """``variant``'s size minus ``of``'s, in bytes and as people read it (``23.4 MB``, ``-3 kB``, ``51 B``)."""
    for name in (variant, of):
        if name not in results.variants:
            raise LookupError(f"lab {results.lab} has no variant '{name}'.{did_you_mean(name, list(results.variants))}")
    size = results.variants[variant].size_bytes - results.variants[of].size_bytes
    shown = f"{abs(size)} B" if abs(size) < 1000 else megabytes(abs(size))
    return size, ("-" if size < 0 else "") + shown


def parse_path(
    text: str, shape: str = "lab/variant/field", example: str = "lab-4-go-multistage/after/size"
) -> tuple[str, str, str]:
    """``lab/variant/field`` (or another ``shape`` of three) split in three; ValueError for any other shape."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"'{text}' is not {shape} (e.g. {example}).")
    return parts[0], parts[1], parts[2]
