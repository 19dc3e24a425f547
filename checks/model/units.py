"""Units as the guide and the terminal show them: decimal megabytes, like `docker image ls`."""

from __future__ import annotations

#: One decimal megabyte: sizes are shown in decimal units, as `docker image ls` counts.
MB = 1_000_000


def megabytes(size_bytes: int) -> str:
    """A size for people: ``1.2 MB``, ``950 kB``, ``1.05 GB``."""
    if size_bytes >= 1000 * MB:
        return f"{size_bytes / (1000 * MB):.2f} GB"
    if size_bytes >= MB:
        return f"{size_bytes / MB:.1f} MB"
    return f"{size_bytes / 1000:.0f} kB"
