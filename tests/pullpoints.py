"""Pull points for the pull chart's tests (test_guide_pullsvg.py, test_guide_pullchart.py): plain values, no lab."""

from __future__ import annotations

from checks.guide.pullpoints import PullPoint


def point(compressed: int, runs: tuple[float, ...], *, variant: str = "v", size: int | None = None) -> PullPoint:
    """An image of lab 0 pulled ``runs`` times, its median the middle run; on disk three times its download."""
    return PullPoint(
        lab="lab-0-pull-speed", variant=variant, size_bytes=size or 3 * compressed,
        compressed_size_bytes=compressed, pull_seconds=sorted(runs)[len(runs) // 2], pull_runs=runs,
    )  # fmt: skip


#: Two images pulled over loopback, a small and a large one, and the large one over a 100 Mbit/s link.
LOOPBACK = [point(2_500_000, (0.09, 0.1, 0.11), variant="small"), point(400_000_000, (12.0, 15.0, 16.0))]
LINK = [point(400_000_000, (40.0, 41.0, 42.0))]
