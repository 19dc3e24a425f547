"""Claim kinds on the layers compressed another way than ``docker push`` compresses them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from checks.model.claims.kind import Kind, Problem, Verdict, claim_kind, judged, key, ratio_of, share, unbounded, within
from checks.model.compression import PUSHED, RECOMPRESSED
from checks.model.i18n import N_, say
from checks.model.measured import Facet, Measured


@claim_kind("compression_ratio")
class CompressionRatio(Kind):
    """Compressed another way, the variant's layer blobs sum to between ``min`` and ``max`` of what
    ``docker push`` stores for them (gzip)."""

    facets: ClassVar[frozenset[Facet]] = frozenset({Facet.REGISTRY, Facet.COMPRESSIONS})
    variant: str = judged()
    compression: str = key(
        "The other compression: " + ", ".join(f"`{c.key}`" for c in RECOMPRESSED) + " (zstd at that level).",
        default=RECOMPRESSED[0].key,
    )
    max: float | None = key('Highest allowed share (0.9 means "at most 90 %").', default=None)
    min: float | None = key('Lowest allowed share (0.5 means "at least 50 %").', default=None)

    def problems(self) -> list[Problem]:
        known = [c.key for c in RECOMPRESSED]
        named = [] if self.compression in known else [Problem("compression", f"must be one of {', '.join(known)}")]
        return super().problems() + named + unbounded(self, "max", "min")

    def evaluate(self, measured: Mapping[str, Measured]) -> Verdict:
        m = measured[self.variant]
        other, gzip = m.compressed(self.compression), m.compressed(PUSHED.key)
        whole = gzip.compressed_size_bytes if gzip is not None else 0
        ratio = other.compressed_size_bytes / whole if other is not None and whole else float("inf")
        passed, bounds = within(ratio, self.min, self.max, share)
        expected = say(
            N_("{variant}'s layer blobs as {compression} / as {pushed} {bounds}"),
            variant=self.variant,
            compression=self.compression,
            pushed=PUSHED.key,
            bounds=bounds,
        )
        if other is None or gzip is None:
            unmeasured = say(N_("{compression} sizes not measured"), compression=self.compression)
            return Verdict(passed=False, expected=expected, measured=unmeasured)
        return Verdict(
            passed=passed, expected=expected, measured=ratio_of(share(ratio), other.compressed_size_bytes, whole)
        )
