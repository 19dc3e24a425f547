"""Package managers' own records, as an image holds them: which files are databases, and what they say.

Four managers, each read from the files it writes itself, never by running it:

- **dpkg**: ``var/lib/dpkg/status`` (one stanza per package: ``Package``, ``Version``, ``Status``) and
  ``var/lib/dpkg/info/NAME[:ARCH].list`` (the paths it installed, absolute); distroless writes one stanza per file
  instead, ``var/lib/dpkg/status.d/NAME``, its paths in ``status.d/NAME.md5sums`` (``md5  path``);
- **apk**: ``lib/apk/db/installed`` (blocks of ``K:value`` lines: ``P`` name, ``V`` version, ``F`` a folder,
  ``R`` a file in the last folder named);
- **pip**: ``SITE/NAME-VERSION.dist-info/RECORD`` (CSV: path, hash, size; paths relative to ``SITE``, the folder
  that holds the ``.dist-info``), the name and version from ``METADATA`` beside it, else from the folder's name;
- **npm**: ``.../node_modules/[@SCOPE/]NAME/package.json`` (``name``, ``version``): a package owns the files under
  its folder that no package nested below it owns (:mod:`checks.inspect.packages` decides that).

Every parser is a plain function of bytes that never raises on what an image holds: a record it cannot read is a
note, and the rest is read.  :class:`Kept` is what a layer walk keeps of one layer's databases as it streams
(:func:`checks.inspect.archive.layer_entries`), bounded in size.
"""

from __future__ import annotations

import csv
import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from checks.inspect.layers import REGULAR, clean

DPKG_STATUS = "var/lib/dpkg/status"
DPKG_INFO = "var/lib/dpkg/info/"
DPKG_STATUS_D = "var/lib/dpkg/status.d/"
APK_INSTALLED = "lib/apk/db/installed"
#: The path of every database file a layer walk keeps (paths as :func:`~checks.inspect.layers.clean` spells them).
RECORD = re.compile(
    r"(?:var/lib/dpkg/status|var/lib/dpkg/info/[^/]+\.list|var/lib/dpkg/status\.d/[^/]+"
    r"|lib/apk/db/installed"
    r"|(?:.*/)?[^/]+\.dist-info/(?:RECORD|METADATA)"
    r"|(?:.*/)?node_modules/(?:@[^/]+/)?[^/@.][^/]*/package\.json)"
)
#: A cheap first test on a tar member's raw name (or its folder, ``status.d``), before :data:`RECORD` is tried.
ENDINGS = ("status", ".list", "installed", "RECORD", "METADATA", "package.json", ".md5sums")
#: The most bytes kept of one database file, and of one layer's: a status file of a full Debian image is about
#: 2 MB; a node_modules of 2,000 packages holds some 10 MB of package.json.  Past these the file is a note.
FILE_LIMIT = 16 << 20
LAYER_LIMIT = 128 << 20


@dataclass
class Kept:
    """One layer's package databases, kept as the layer passes: path -> bytes, within the limits."""

    files: dict[str, bytes] = field(default_factory=dict)
    size: int = 0
    #: Databases passed over for their size.
    skipped: list[str] = field(default_factory=list)

    def wants(self, name: str, size: int, typeflag: str) -> bool:
        """Whether the walk should read this member whole and :meth:`keep` it."""
        if not (name.endswith(ENDINGS) or "status.d/" in name) or typeflag not in (REGULAR, "\0", "7"):
            return False
        if not RECORD.fullmatch(clean(name)):
            return False
        if size > FILE_LIMIT or self.size + size > LAYER_LIMIT:
            self.skipped.append(clean(name))
            return False
        return True

    def keep(self, name: str, data: bytes) -> None:
        self.files[clean(name)] = data
        self.size += len(data)


@dataclass(frozen=True, kw_only=True)
class Record:
    """One installed package as its manager recorded it."""

    #: ``dpkg``, ``apk``, ``pip`` or ``npm``.
    manager: str
    name: str
    version: str
    #: The database file that names it (its key: one name may be installed twice, in two places).
    source: str
    #: The paths it installed, relative (no leading slash); for npm, none (it owns :attr:`folder`).
    paths: tuple[str, ...] = ()
    #: npm: the folder it owns; else "".
    folder: str = ""


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _stanzas(text: str) -> Iterator[dict[str, str]]:
    """RFC 822-like stanzas (dpkg's status), continuation lines dropped."""
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        if fields:
            yield fields


def _absolute(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(path for line in lines if (path := clean(line.strip())) and line.strip())


def dpkg(files: Mapping[str, bytes], notes: list[str]) -> list[Record]:
    """The packages dpkg's status (or distroless's status.d) says are installed, each with the paths of its list."""
    stanzas: list[tuple[str, dict[str, str]]] = []
    if DPKG_STATUS in files:
        stanzas += [(DPKG_STATUS, s) for s in _stanzas(_text(files[DPKG_STATUS]))]
    for path in sorted(files):
        if path.startswith(DPKG_STATUS_D) and not path.endswith(".md5sums"):
            stanzas += [(path, s) for s in _stanzas(_text(files[path]))]
    records = []
    for source, stanza in stanzas:
        name = stanza.get("Package", "")
        if not name:
            notes.append(f"/{source}: a stanza with no Package field, passed over")
            continue
        if not stanza.get("Status", "installed").endswith(" installed") and "Status" in stanza:
            continue
        arch = stanza.get("Architecture", "")
        listed = files.get(f"{DPKG_INFO}{name}:{arch}.list", files.get(f"{DPKG_INFO}{name}.list"))
        if listed is None and source != DPKG_STATUS:
            summed = files.get(f"{source}.md5sums")
            lines = [] if summed is None else [line.partition("  ")[2] for line in _text(summed).splitlines()]
        else:
            lines = [] if listed is None else _text(listed).splitlines()
        records.append(
            Record(manager="dpkg", name=name, version=stanza.get("Version", ""), source=source, paths=_absolute(lines))
        )
    return records


def apk(files: Mapping[str, bytes], notes: list[str]) -> list[Record]:
    """The packages apk's database lists, each with its files (``F`` folders joined with their ``R`` files)."""
    if APK_INSTALLED not in files:
        return []
    records = []
    for block in re.split(r"\n\s*\n", _text(files[APK_INSTALLED])):
        name = version = folder = ""
        paths: list[str] = []
        for line in block.splitlines():
            key, colon, value = line.partition(":")
            if not colon or len(key) != 1:
                continue
            if key == "P":
                name = value
            elif key == "V":
                version = value
            elif key == "F":
                folder = clean(value)
            elif key == "R" and value:
                paths.append(clean(posixpath.join(folder, value)))
        if name:
            records.append(Record(manager="apk", name=name, version=version, source=APK_INSTALLED, paths=tuple(paths)))
        elif block.strip():
            notes.append(f"/{APK_INSTALLED}: a package block with no P: (name) line, passed over")
    return records


def _metadata(data: bytes | None) -> tuple[str, str]:
    """(Name, Version) from a METADATA file's headers; empty where it has none."""
    found = {"Name": "", "Version": ""}
    for line in _text(data or b"").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        if key in found and not found[key]:
            found[key] = value.strip()
    return found["Name"], found["Version"]


def pip(files: Mapping[str, bytes], notes: list[str]) -> list[Record]:
    """The distributions a ``*.dist-info/RECORD`` lists, each with its files (paths outside the image dropped)."""
    records = []
    for path in sorted(p for p in files if p.endswith(".dist-info/RECORD")):
        info = posixpath.dirname(path)
        site = posixpath.dirname(info)
        stem = posixpath.basename(info).removesuffix(".dist-info")
        name, version = _metadata(files.get(f"{info}/METADATA"))
        if not name:
            name, _, version = stem.partition("-")
        try:
            rows = list(csv.reader(_text(files[path]).splitlines()))
        except csv.Error as error:
            notes.append(f"/{path}: not CSV ({error}), passed over")
            continue
        paths = []
        for row in rows:
            if not row or not row[0]:
                continue
            joined = posixpath.normpath(posixpath.join("/" + site, row[0]))
            paths.append(joined.lstrip("/"))
        records.append(Record(manager="pip", name=name, version=version, source=path, paths=tuple(paths)))
    return records


def npm(files: Mapping[str, bytes], notes: list[str]) -> list[Record]:
    """The packages in ``node_modules`` folders, each owning its folder (name and version from its package.json)."""
    records = []
    for path in sorted(p for p in files if p.endswith("package.json")):
        folder = posixpath.dirname(path)
        name, version = folder.rpartition("node_modules/")[2], ""
        try:
            document = json.loads(files[path])
        except (ValueError, RecursionError):
            notes.append(f"/{path}: not JSON, so its name is its folder's")
            document = {}
        if isinstance(document, dict):
            if isinstance(document.get("name"), str) and document["name"]:
                name = document["name"]
            if isinstance(document.get("version"), str):
                version = document["version"]
        records.append(Record(manager="npm", name=name, version=version, source=path, folder=folder))
    return records


#: Every manager's parser, in the order ownership is settled: a path two managers list is the first one's.
MANAGERS = (("dpkg", dpkg), ("apk", apk), ("pip", pip), ("npm", npm))


def records(files: Mapping[str, bytes], notes: list[str]) -> list[Record]:
    """Every package the databases in ``files`` (path -> bytes) record, managers in :data:`MANAGERS` order."""
    return [record for _, parse in MANAGERS for record in parse(files, notes)]
