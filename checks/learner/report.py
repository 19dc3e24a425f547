"""Terminal text for results: plain functions from data to strings."""

from __future__ import annotations

from checks.model.checkout import HERE
from checks.model.columns import pad, widest
from checks.model.links import DEFAULT_DOCS_URL, section
from checks.model.measured import Measured
from checks.model.results import ClaimResult, Results
from checks.model.units import megabytes


def _table(rows: list[list[str]]) -> list[str]:
    widths = [widest(tuple(row[i] for row in rows)) for i in range(len(rows[0]))]
    return ["  " + "  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _pull_cells(results: Results) -> tuple[list[str], dict[str, list[str]]]:
    """The compressed-size and pull-time columns, only when some variant has them."""
    variants = results.variants.values()
    header = [
        *(["compressed"] if any(m.compressed_size_bytes is not None for m in variants) else []),
        *(["pull"] if any(m.pull_seconds is not None for m in variants) else []),
    ]
    cells = {
        name: [
            *(
                [megabytes(m.compressed_size_bytes) if m.compressed_size_bytes is not None else "-"]
                if "compressed" in header
                else []
            ),
            *([f"{m.pull_seconds:.2f} s" if m.pull_seconds is not None else "-"] if "pull" in header else []),
        ]
        for name, m in results.variants.items()
    }
    return header, cells


def _floor_cell(m: Measured) -> str:
    """The runtime floor and the share of the image it is: ``6.2 MB (83%)``."""
    if m.runtime_bytes is None:
        return "-"
    return f"{megabytes(m.runtime_bytes)} ({m.runtime_bytes / m.size_bytes:.0%})" if m.size_bytes else "-"


def variants_table(results: Results) -> list[str]:
    before = results.variants.get("before")
    pull_header, pull_cells = _pull_cells(results)
    floors = any(m.runtime_bytes is not None for m in results.variants.values())
    rows = [["variant", "size", *pull_header, *(["floor"] if floors else []), "layers", "vs before", "smoke"]]
    for name, m in results.variants.items():
        ratio = f"{m.size_bytes / before.size_bytes:.1%}" if before and before.size_bytes else "-"
        smoke = (
            "-" if m.smoke is None else ("ok" if m.smoke.passed else ("timed out" if m.smoke.timed_out else "FAILS"))
        )
        floor = [_floor_cell(m)] if floors else []
        rows.append([name, megabytes(m.size_bytes), *pull_cells[name], *floor, str(m.layer_count), ratio, smoke])
    return _table(rows)


def claim_line(claim: ClaimResult) -> str:
    if claim.not_judged:
        return f"  skip {claim.id:<6} {claim.text}\n           not judged, because {claim.not_judged}"
    mark = "ok  " if claim.passed else "FAIL"
    return f"  {mark} {claim.id:<6} {claim.text}\n           measured {claim.measured}; expected {claim.expected}"


def summary(results: Results, *, skipped: bool) -> str:
    """The block printed for one lab after verification."""
    state = f"unchanged since {results.measured_at}, not rebuilt" if skipped else f"measured {results.measured_at}"
    bases = ", ".join(f"{b.name} ({b.source})" for b in results.bases) or "scratch only"
    images = f"  images: {HERE.repository(results.lab)}:<variant>"
    lines = [f"{results.lab}: {results.title}", f"  {state}; bases: {bases}", images, *variants_table(results)]
    lines += [claim_line(claim) for claim in results.claims]
    return "\n".join(lines)


def failures(results: Results, page: str, *, docs_url: str = DEFAULT_DOCS_URL) -> list[str]:
    """One actionable line per failed claim, pointing at the section that teaches the fix."""
    return [
        f"{results.lab}: claim {c.id} does not hold: {c.text} Expected {c.expected}; measured {c.measured}. "
        f"See {c.url(docs_url) or section(page, c.id).url(docs_url)}"
        for c in results.failed
    ]
