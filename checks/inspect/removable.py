"""Classes of bytes that a running app rarely needs, and the guide section that removes each.

dive measures duplication between layers; it cannot tell a compiler from the
app.  These classes name what is in an image that need not be there.  Each
class's id is also the anchor of the guide section that teaches how to remove
it (:func:`checks.model.links.section`), so a number in a report links to the fix.

Patterns are shell-style and match paths without a leading slash: ``*`` stays
within one directory, ``**/`` matches any number of directories (none
included), and a pattern ending in ``/**`` matches a directory and everything
under it.  Classes are tried in order and the first match wins, so no byte is
counted twice and the classes' bytes can be added up; license notices
(:data:`KEEP`) match first and are never counted.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from checks.inspect.layers import Copy, Hidden, largest
from checks.model.i18n import N_
from checks.model.links import Section, section


@dataclass(frozen=True, kw_only=True)
class Removable:
    """A class of removable bytes."""

    #: Stable id, and the anchor of the guide section that removes it.
    id: str
    #: What it is, for people (marked for the catalogs: the guide shows it translated, through ``_()``).
    title: str
    #: The guide page (without ``.html``) that teaches how to remove it.
    page: str
    patterns: tuple[str, ...] = ()

    @property
    def section(self) -> Section:
        """The guide section that teaches how to remove it."""
        return section(self.page, self.id)


TRIPLETS = "*-linux-gnu*"  # x86_64-linux-gnu, aarch64-linux-gnu, ...

CLASSES: tuple[Removable, ...] = (
    Removable(
        id="package-manager-cache",
        title=N_("Package-manager lists and caches (apt, dpkg, debconf, apk, dnf/yum)"),
        page="only-what-runs",
        patterns=(
            "var/lib/apt/lists/**",
            "var/cache/apt/**",
            "var/cache/debconf/**",
            "var/lib/dpkg/*-old",
            "var/log/apt/**",
            "var/log/dpkg.log",
            "var/cache/apk/**",
            "var/cache/dnf/**",
            "var/cache/yum/**",
            "var/cache/zypp/**",
        ),
    ),
    Removable(
        id="npm-cache",
        title=N_("npm's download cache (~/.npm)"),
        page="node",
        patterns=("root/.npm/**", "home/*/.npm/**"),
    ),
    Removable(
        id="build-caches",
        title=N_("Download and build caches and temporary files (pip, yarn, cargo, Go, /tmp)"),
        page="only-what-runs",
        patterns=(
            "root/.cache/**",
            "home/*/.cache/**",
            "usr/local/share/.cache/**",
            "root/.cargo/registry/**",
            "usr/local/cargo/registry/**",
            "go/pkg/mod/**",
            "root/go/pkg/mod/**",
            "tmp/**",
            "var/tmp/**",
        ),
    ),
    Removable(
        id="build-toolchain",
        title=N_("Compilers and build tools (gcc, cc1, binutils, make, the Go and Rust toolchains, git)"),
        page="multi-stage",
        patterns=(
            "usr/local/go/**",
            "usr/lib/go/**",
            "usr/lib/go-*/**",
            "usr/share/go-*/**",
            "usr/bin/go",
            "usr/bin/gofmt",
            "usr/lib/gcc/**",
            "usr/libexec/gcc/**",
            "usr/lib/gcc-cross/**",
            "usr/bin/gcc*",
            "usr/bin/g++*",
            "usr/bin/c++*",
            "usr/bin/cc",
            "usr/bin/cpp*",
            "usr/bin/c89*",
            "usr/bin/c99*",
            f"usr/bin/{TRIPLETS}",
            "usr/bin/ld",
            "usr/bin/ld.*",
            "usr/bin/as",
            "usr/bin/gold",
            "usr/bin/make",
            "usr/bin/cmake",
            "usr/share/cmake*/**",
            "usr/bin/rustc",
            "usr/bin/cargo",
            "usr/local/rustup/**",
            "root/.rustup/**",
            "usr/local/cargo/bin/**",
            "usr/lib/llvm-*/**",
            f"usr/lib/{TRIPLETS}/libbfd*",
            f"usr/lib/{TRIPLETS}/libopcodes*",
            f"usr/lib/{TRIPLETS}/libctf*",
            f"usr/lib/{TRIPLETS}/libsframe*",
            f"usr/lib/{TRIPLETS}/libgprofng*",
            f"usr/lib/{TRIPLETS}/libasan*",
            f"usr/lib/{TRIPLETS}/libtsan*",
            f"usr/lib/{TRIPLETS}/liblsan*",
            f"usr/lib/{TRIPLETS}/libubsan*",
            f"usr/lib/{TRIPLETS}/libhwasan*",
            f"usr/lib/{TRIPLETS}/libcc1*",
            f"usr/lib/{TRIPLETS}/libisl*",
            f"usr/lib/{TRIPLETS}/libmpc*",
            f"usr/lib/{TRIPLETS}/libmpfr*",
            f"usr/lib/{TRIPLETS}/libjansson*",
            "usr/lib/git-core/**",
            "usr/bin/git",
            "usr/bin/git-*",
            "usr/share/git-core/**",
        ),
    ),
    Removable(
        id="headers-static-libs",
        title=N_("C headers, static libraries and pkg-config files (-dev packages)"),
        page="multi-stage",
        patterns=("usr/include/**", "usr/local/include/**", "**/*.a", "**/*.la", "**/pkgconfig/*.pc"),
    ),
    Removable(
        id="docs-man",
        title=N_("Documentation, man and info pages"),
        page="only-what-runs",
        patterns=(
            "usr/share/doc/**",
            "usr/share/man/**",
            "usr/share/info/**",
            "usr/share/gtk-doc/**",
            "usr/share/lintian/**",
            "usr/local/share/doc/**",
            "usr/local/share/man/**",
            "usr/local/share/info/**",
            "usr/local/man/**",
        ),
    ),
    Removable(
        id="translations",
        title=N_("Translated program messages (/usr/share/locale)"),
        page="base-images",
        patterns=("usr/share/locale/**", "usr/local/share/locale/**"),
    ),
    Removable(
        id="node-modules-clutter",
        title=N_("Tests, docs, source maps and type declarations inside node_modules"),
        page="node",
        patterns=(
            "**/node_modules/**/*.map",
            "**/node_modules/**/*.d.ts",
            "**/node_modules/**/*.md",
            "**/node_modules/**/*.markdown",
            "**/node_modules/*/test/**",
            "**/node_modules/*/tests/**",
            "**/node_modules/**/__tests__/**",
            "**/node_modules/*/docs/**",
            "**/node_modules/*/example/**",
            "**/node_modules/*/examples/**",
        ),
    ),
    Removable(
        id="package-tests",
        title=N_("Test suites inside installed packages"),
        page="multi-stage-python",
        patterns=(
            "**/site-packages/*/**/tests/**",
            "**/site-packages/*/test/**",
            "**/dist-packages/*/**/tests/**",
            "**/dist-packages/*/test/**",
            "usr/lib/python3*/test/**",
            "usr/local/lib/python3*/test/**",
        ),
    ),
    Removable(
        id="python-bytecode",
        title=N_("Python bytecode caches (__pycache__, *.pyc)"),
        page="multi-stage-python",
        patterns=("**/__pycache__/**", "**/*.pyc", "**/*.pyo"),
    ),
    Removable(
        id="git-metadata",
        title=N_("Git metadata (.git) copied into the image"),
        page="only-what-runs",
        patterns=("**/.git/**", "**/.git"),
    ),
)

#: Kept whatever class they fall in: license notices, which distributions ship on purpose (and licenses may require).
KEEP = Removable(
    id="keep",
    title=N_("License notices"),
    page="only-what-runs",
    patterns=("usr/share/doc/*/copyright", "usr/local/share/doc/*/copyright", "usr/share/common-licenses/**"),
)

#: Files a later layer deleted or replaced: invisible in the container, yet shipped and extractable.
DELETED_LATER = Removable(
    id="deleted-later",
    title=N_("Files deleted or replaced by a later layer (still in the image, still extractable)"),
    page="layers",
)

#: Every class, by id: the classes matched by path, then :data:`DELETED_LATER`.
BY_ID: dict[str, Removable] = {c.id: c for c in (*CLASSES, DELETED_LATER)}


def glob_regex(pattern: str) -> tuple[str, bool]:
    """The regular expression for one pattern without its ``/**`` tail, and whether it had one."""
    tree = pattern.endswith("/**")
    body = pattern[: -len("/**")] if tree else pattern
    out, i = [], 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return "".join(out), tree


def _pieces(glob: str) -> list[str]:
    """The literal runs of a pattern: what is left between its ``**/``, ``**``, ``*`` and ``?``."""
    return [piece for piece in re.split(r"\*\*/|\*\*|\*|\?", glob) if piece]


@dataclass(frozen=True)
class _Alternative:
    """One pattern as the matcher tries it: its regular expression (a group that names it), and what any path it
    matches must hold."""

    regex: str
    #: Its leading folders spelled without a wildcard (at most two): a path it matches starts with them.
    lead: tuple[str, ...]
    #: A piece of text any path it matches contains, for a pattern with no leading folder ("**/*.pyc": ".pyc").
    needs: str


def _alternatives(classes: Iterable[Removable]) -> tuple[list[_Alternative], dict[str, str]]:
    """Every pattern of ``classes`` in order, each with the group that names its class."""
    alternatives: list[_Alternative] = []
    owner: dict[str, str] = {}
    for c in classes:
        for pattern in c.patterns:
            body, tree = glob_regex(pattern)
            group = f"g{len(owner)}"
            owner[group] = c.id
            glob = pattern.removesuffix("/**") if tree else pattern
            lead = tuple(itertools.takewhile(lambda name: not set(name) & set("*?"), glob.split("/")[:2]))
            needs = "" if lead else max(_pieces(glob), key=len, default="")
            regex = f"(?P<{group}>{body})" + ("(?:/.*)?" if tree else "")
            alternatives.append(_Alternative(regex=regex, lead=lead, needs=needs))
    return alternatives, owner


_ALTERNATIVES, _OWNER = _alternatives((KEEP, *CLASSES))
#: The pieces of text the patterns without a leading folder need, each looked for once per path.
_NEEDS = tuple(dict.fromkeys(a.needs for a in _ALTERNATIVES if not a.lead))
#: Each pattern's group, by its place in the order patterns are tried.
_ORDER = {group: place for place, group in enumerate(_OWNER)}
#: One regular expression per set of patterns a path can match, made when a path first needs it.
_MATCHERS: dict[tuple[str, ...] | int, re.Pattern[str] | None] = {}


def _matcher(key: tuple[str, ...] | int) -> re.Pattern[str] | None:
    """Some patterns, in their order, as one expression: with a path's first two folders as ``key``, the patterns
    whose leading folders they are; with a number, the patterns without one whose piece of text the path holds
    (bit ``i`` for ``_NEEDS[i]``).  None when there are none."""
    if key not in _MATCHERS:
        if isinstance(key, int):
            chosen = [a.regex for a in _ALTERNATIVES if not a.lead and key >> _NEEDS.index(a.needs) & 1]
        else:
            chosen = [a.regex for a in _ALTERNATIVES if a.lead and a.lead == key[: len(a.lead)]]
        _MATCHERS[key] = re.compile("(?:" + "|".join(chosen) + r")\Z") if chosen else None
    return _MATCHERS[key]


def classify(path: str) -> tuple[str, str] | None:
    """``(class id, what matched)`` for a path, or None when no class claims it.

    The same as matching the path against one expression of every pattern in order, the first that matches
    winning; but a path tries only the patterns that can match it, a few instead of a hundred: those whose
    leading folders are its own, and those without one whose piece of text it holds.  Each of the two sets gives
    its first match, and the earlier pattern of the two wins.
    """
    needs = 0
    for bit, piece in enumerate(_NEEDS):
        if piece in path:
            needs |= 1 << bit
    found: re.Match[str] | None = None
    for pattern in (_matcher(tuple(path.split("/", 2)[:2])), _matcher(needs) if needs else None):
        match = pattern.match(path) if pattern is not None else None
        if match is not None and (found is None or _ORDER[match.lastgroup or ""] < _ORDER[found.lastgroup or ""]):
            found = match
    if found is None or found.lastgroup is None or _OWNER[found.lastgroup] == KEEP.id:
        return None
    return _OWNER[found.lastgroup], found.group(found.lastgroup)


@dataclass(frozen=True, kw_only=True)
class ClassBytes:
    """How many bytes of one class an image holds, and where."""

    id: str
    size_bytes: int
    files: int
    #: The largest places, largest first: a directory a pattern names, or a file.
    top: tuple[tuple[str, int], ...]

    @property
    def removable(self) -> Removable:
        return BY_ID[self.id]


def _summarise(class_id: str, places: Mapping[str, int], files: int, count: int) -> ClassBytes:
    return ClassBytes(id=class_id, size_bytes=sum(places.values()), files=files, top=largest(places, count))


def classes(files: Iterable[Copy], hidden: Iterable[Hidden] = (), *, top: int = 5) -> tuple[ClassBytes, ...]:
    """Bytes per class in the visible ``files``, plus the ``hidden`` copies; largest first, empty classes left out."""
    places: dict[str, dict[str, int]] = {}
    counts: dict[str, int] = {}
    for copy in files:
        if not copy.size:
            continue
        found = classify(copy.path)
        if found is None:
            continue
        class_id, place = found
        bucket = places.setdefault(class_id, {})
        bucket[place] = bucket.get(place, 0) + copy.size
        counts[class_id] = counts.get(class_id, 0) + 1
    for item in hidden:
        bucket = places.setdefault(DELETED_LATER.id, {})
        bucket[item.by] = bucket.get(item.by, 0) + item.copy.size
        counts[DELETED_LATER.id] = counts.get(DELETED_LATER.id, 0) + 1
    found_classes = [_summarise(class_id, bucket, counts[class_id], top) for class_id, bucket in places.items()]
    return tuple(sorted(found_classes, key=lambda c: (-c.size_bytes, c.id)))
