"""What :class:`~checks.engine.pullbench.PullBench`'s pushes and timed pulls add up to for each variant: its
compression matrix, its updates and its pulls onto a held image, from the blobs the registry stored and the
seconds each pull took (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from checks.model.compression import PUSHED, RECOMPRESSED
from checks.model.measured import Compressed
from checks.model.pulls import pulled_bytes

#: What the registry stored for each tag: the digests and the sizes of its layer blobs, lowest first.
Stored = Mapping[str, tuple[tuple[str, ...], tuple[int, ...]]]


@dataclass(kw_only=True)
class Timed:
    """What :meth:`~checks.engine.pullbench.PullBench.measure` timed, filled in as it pulls."""

    #: Each variant's cold pulls: seconds, and of those the unpacking's (None when not reported).
    runs: dict[str, list[tuple[float, float | None]]] = field(default_factory=dict)
    #: Each variant's pulls over a throttled link, by the link's key.
    over: dict[str, dict[str, tuple[float, ...]]] = field(default_factory=dict)
    #: Each variant's pulls of its later releases, in order.
    updates: dict[str, list[float]] = field(default_factory=dict)
    #: (held, pulled): the pull onto a node holding ``held``.
    after: dict[tuple[str, str], float] = field(default_factory=dict)
    #: (variant, compression): its cold pull, compressed that way.
    other: dict[tuple[str, str], tuple[float, float | None]] = field(default_factory=dict)


def matrix_row(
    variant: str,
    pushed: Stored,
    recompressed: Mapping[tuple[str, str], tuple[tuple[int, ...], float]],
    timed: Timed,
) -> tuple[Compressed, ...]:
    """The variant's compression matrix: gzip as pushed (its first cold pull), then each re-compression."""
    first = timed.runs[variant][0] if timed.runs.get(variant) else (None, None)
    gzip = Compressed(
        compression=PUSHED.key,
        compressed_size_bytes=sum(pushed[variant][1]),
        pull_seconds=first[0],
        unpack_seconds=first[1],
    )
    return (
        gzip,
        *(
            Compressed(
                compression=c.key,
                compressed_size_bytes=sum(recompressed[variant, c.key][0]),
                compress_seconds=recompressed[variant, c.key][1],
                pull_seconds=timed.other.get((variant, c.key), (None, None))[0],
                unpack_seconds=timed.other.get((variant, c.key), (None, None))[1],
            )
            for c in RECOMPRESSED
        ),
    )


def update_figures(
    variant: str,
    later: Mapping[str, Sequence[str]],
    pushed: Stored,
    updates: Mapping[str, list[float]],
) -> tuple[tuple[int, float | None], ...]:
    """For each later release of ``variant``: the bytes a node holding the releases before pulls, and the pull's
    seconds (None when not timed)."""
    chain = [variant, *later.get(variant, [])]
    return tuple(
        (
            pulled_bytes(*pushed[tag], {d for earlier in chain[:n] for d in pushed[earlier][0]}),
            updates[variant][n - 1] if variant in updates else None,
        )
        for n, tag in enumerate(chain)
        if n
    )


def shared_figures(
    variant: str,
    shared: Sequence[tuple[str, str]],
    pushed: Stored,
    timed: Timed,
) -> tuple[tuple[str, int, float | None], ...]:
    """For each (held, ``variant``) pair of ``shared``: the bytes a node holding ``held`` pulls, and the seconds."""
    return tuple(
        (held, pulled_bytes(*pushed[variant], set(pushed[held][0])), timed.after.get((held, variant)))
        for held, pulled in shared
        if pulled == variant
    )
