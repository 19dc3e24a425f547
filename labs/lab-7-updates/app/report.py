"""A small report service: renders a table of its release with rich, prints one summary line.

The lab's make-release.sh writes release.py for each release; nothing else
changes between releases.
"""

import sys
from importlib.metadata import version

from rich.console import Console
from rich.table import Table

from release import RELEASE


def main() -> int:
    table = Table(title="slimlab report")
    table.add_column("package")
    table.add_column("version")
    for package in ("rich", "pygments", "markdown-it-py"):
        table.add_row(package, version(package))
    console = Console(width=60)
    with console.capture() as captured:
        console.print(table)
    rendered = captured.get()
    missing = [package for package in ("rich", "pygments", "markdown-it-py") if package not in rendered]
    if missing:
        print(f"slimlab report: the table lacks {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"slimlab report: release {RELEASE}, {table.row_count} rows rendered with rich {version('rich')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
