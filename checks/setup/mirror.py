"""Find the Debian mirror this host already uses, so the project never names one.

Run as a script it prints the mirror's URL (for example ``http://host/debian``)
or exits 1 when the host's apt sources name no Debian archive.  Stdlib only:
the engine set-up calls it before the project's virtual environment exists.
"""

from __future__ import annotations

import sys
from pathlib import Path

APT_SOURCES = Path("/etc/apt")


def _one_line_uris(text: str) -> list[str]:
    """URIs of ``deb`` lines in the one-line ``sources.list`` format."""
    uris = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or words[0] != "deb":
            continue
        words = words[1:]
        if words and words[0].startswith("["):
            while words and not words[0].endswith("]"):
                words = words[1:]
            words = words[1:]
        if words:
            uris.append(words[0])
    return uris


def _deb822_uris(text: str) -> list[str]:
    """URIs of enabled ``Types: deb`` stanzas in the deb822 ``.sources`` format."""
    uris = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes").lower() not in ("no", "false"):
            uris.extend(fields.get("uris", "").split())
    return uris


def pick_mirror(uris: list[str]) -> str | None:
    """The first URI that serves the main Debian archive (not security, not ports)."""
    for uri in uris:
        path = uri.rstrip("/")
        if path.endswith("/debian") and "security" not in path:
            return path
    return None


def host_mirror(root: Path = APT_SOURCES) -> str | None:
    """The main Debian archive named in ``root``'s apt sources, if any."""
    uris: list[str] = []
    main_list = root / "sources.list"
    if main_list.is_file():
        uris += _one_line_uris(main_list.read_text(errors="replace"))
    parts = root / "sources.list.d"
    if parts.is_dir():
        for path in sorted(parts.iterdir()):
            if path.suffix == ".list":
                uris += _one_line_uris(path.read_text(errors="replace"))
            elif path.suffix == ".sources":
                uris += _deb822_uris(path.read_text(errors="replace"))
    return pick_mirror(uris)


def main() -> int:
    mirror = host_mirror()
    if mirror is None:
        print(f"no Debian archive found in {APT_SOURCES}/sources.list(.d)", file=sys.stderr)
        return 1
    print(mirror)
    return 0


if __name__ == "__main__":
    sys.exit(main())
