"""Read a lab's ``lab.toml`` into frozen dataclasses, loudly.

Every mistake names the file, the key and, where a close spelling exists, what
was probably meant.  :func:`parse` is pure (a dict in, a :class:`Lab` out);
:func:`load` only adds reading the file and looking at the files it names.

A lab folder may come from someone else, so every path it names (Dockerfiles,
build contexts, secret files, the prepare script) stays inside it: one whose
spelling leads out is refused by :func:`parse`, one whose symbolic links lead
out by :func:`load`, before anything is built.  A spec that is not UTF-8, starts
with a byte order mark or nests deeper than the TOML reader follows is a
mistake in the file like any other (exit 2), and so is a FIFO or a device where
a file should be: looked at, never opened.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.model import paths
from checks.model.claims import KINDS
from checks.model.claims.kind import Kind
from checks.model.errors import UsageError
from checks.model.measured import STORES, Facet
from checks.model.tomltable import STAY_INSIDE, TableReader, did_you_mean

SPEC_NAME = "lab.toml"
#: A lab spec is a few kB; one larger than this is not read.
SPEC_LIMIT = 1 << 20
CLAIM_ID = re.compile(r"^L\d+\.\d+$")
VARIANT_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
#: A BuildKit secret's id, as ``--secret id=...`` and ``RUN --mount=type=secret,id=...`` write it.
SECRET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, kw_only=True)
class Smoke:
    """How to tell that an image still does its job."""

    #: Arguments given to the image (they replace its CMD; its ENTRYPOINT stays).
    args: tuple[str, ...] = ()
    #: Text that standard output must contain.
    expect: str = ""
    #: Seconds before the container is killed.
    timeout: float = 60.0


@dataclass(frozen=True, kw_only=True)
class Variant:
    """One Dockerfile of the lab and how to build it."""

    name: str
    #: Dockerfile path, relative to the lab folder.
    dockerfile: str
    #: Build context, relative to the lab folder.
    context: str = "."
    #: Build stage to stop at (``--target``), if any.
    target: str | None = None
    #: One line saying what this variant does differently.
    description: str = ""
    #: The smoke test for this variant (the lab's, unless the variant overrides it).
    smoke: Smoke | None = None
    #: BuildKit secrets its build is handed: (id, file relative to the lab folder) pairs, each passed as
    #: ``--secret id=ID,src=FILE``, which the Dockerfile reads with ``RUN --mount=type=secret,id=ID``.
    secrets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A sentence about the lab's images that the checker verifies."""

    #: Stable id, e.g. ``L4.1``: the anchor of its section in the guide.
    id: str
    #: One sentence, as the guide shows it.
    text: str
    #: The kind of check and its parameters.
    check: Kind
    #: What a learner whose image fails this claim should try (``make lab-N``).
    hint: str = ""


@dataclass(frozen=True, kw_only=True)
class Lab:
    """A lab folder's specification."""

    #: Folder name, e.g. ``lab-4-go-multistage``.
    name: str
    title: str
    #: Guide page (without suffix) that explains the lab; claim links point into it.
    page: str
    variants: tuple[Variant, ...]
    claims: tuple[Claim, ...]
    #: Script (relative to the lab folder) run in a temporary copy of the lab
    #: before building, to create what git cannot hold (a .git folder, a venv).
    prepare: str | None = None
    #: The exercise's task in a sentence or two, as the guide shows it above the
    #: goals (``.. lab-exercise::``); empty for a lab without an exercise.
    exercise: str = ""
    #: How many releases of the app the prepare script can make (``SLIMLAB_RELEASE`` = 1, 2, ...): the
    #: variants an update claim reads are built once per release; 1 is the variant's own image.
    releases: int = 1
    #: The image stores the lab is verified on (``classic``, ``containerd``): the main engine's own by the main
    #: run, each other one on a second engine that keeps its images there (``stores`` in results.json).
    stores: tuple[str, ...] = ()

    def variant(self, name: str) -> Variant:
        return next(v for v in self.variants if v.name == name)

    def read_by(self, kinds: Callable[[Kind], bool]) -> frozenset[str]:
        """The variants read by the claims whose kind ``kinds`` accepts (``lambda k: k.reads(Facet.FLOOR)``)."""
        return frozenset(v for c in self.claims if kinds(c.check) for v in c.check.variants())

    def rebuilt(self) -> tuple[str, ...]:
        """The variants built once more for reproducibility: ``after``, and any a ``reproducible`` claim reads."""
        named = self.read_by(lambda kind: kind.reads(Facet.REBUILD))
        return tuple(v.name for v in self.variants if v.name == "after" or v.name in named)

    def released(self) -> tuple[str, ...]:
        """The variants built once per release, for the update claims that read them."""
        named = self.read_by(lambda kind: kind.reads(Facet.RELEASES))
        return tuple(v.name for v in self.variants if v.name in named)


#: The keys of each ``lab.toml`` table the reader accepts besides a claim kind's own (the reference page lists them).
LAB_KEYS = ("title", "page", "prepare", "exercise", "releases", "stores")
SMOKE_KEYS = ("args", "expect", "timeout")
VARIANT_KEYS = ("dockerfile", "context", "target", "description", "smoke", "secrets")
CLAIM_KEYS = ("id", "kind", "text", "hint")

#: The environment variable that tells a lab's prepare script which release of the app to make.
RELEASE_ENV = "SLIMLAB_RELEASE"
#: A value new on every run, for the prepare script to write into releases after the first, so that no
#: build cache can hold a release before the run builds it.
BUILD_ID_ENV = "SLIMLAB_BUILD_ID"


def _smoke(source: str, where: str, table: Any, inherited: Smoke | None) -> Smoke:
    reader = TableReader(source, where, table)
    reader.only(list(SMOKE_KEYS))
    base = inherited or Smoke()
    timeout = float(reader.get("timeout", (int, float), base.timeout))
    if timeout <= 0:
        reader.fail(f"'{where}.timeout' must be more than 0 seconds")
    return Smoke(
        args=reader.get("args", list, base.args), expect=reader.get("expect", str, base.expect), timeout=timeout
    )


def _variant(source: str, name: str, table: Any, smoke: Smoke | None) -> Variant:
    where = f"variants.{name}"
    if not VARIANT_NAME.fullmatch(name):
        TableReader(source, where, {}).fail(f"variant name '{name}' must be lower-case letters, digits and '-'")
    reader = TableReader(source, where, table)
    reader.only(list(VARIANT_KEYS))
    own_smoke = smoke
    if "smoke" in reader.table:
        value = reader.table["smoke"]
        own_smoke = None if value is False else _smoke(source, f"{where}.smoke", value, smoke)
    return Variant(
        name=name,
        dockerfile=reader.path("dockerfile", f"{name}.Dockerfile"),
        context=reader.path("context", "."),
        target=reader.get("target", str, None),
        description=reader.get("description", str, ""),
        smoke=own_smoke,
        secrets=_secrets(source, f"{where}.secrets", reader.table.get("secrets", {})),
    )


def _secrets(source: str, where: str, table: Any) -> tuple[tuple[str, str], ...]:
    """A variant's ``secrets`` table: each BuildKit secret id and the file it is read from."""
    reader = TableReader(source, where, table)
    for secret_id in reader.table:
        if not SECRET_ID.fullmatch(secret_id):
            reader.fail(f"'{where}.{secret_id}': a secret id is letters, digits, '.', '_' and '-'")
        if not reader.path(secret_id):
            reader.fail(f"'{where}.{secret_id}' must name a file of the lab folder")
    return tuple((secret_id, reader.table[secret_id]) for secret_id in reader.table)


def _kind(where: str, reader: TableReader) -> type[Kind]:
    name = reader.get("kind", str)
    if name not in KINDS:
        reader.fail(f"'{where}.kind' is '{name}', not a claim kind.{did_you_mean(name, tuple(KINDS))}")
    return KINDS[name]


def _check(where: str, reader: TableReader, variants: tuple[str, ...]) -> Kind:
    """The claim's check, read by the keys its kind declares and held to the kind's own rules."""
    cls = _kind(where, reader)
    keys = cls.toml_keys()
    reader.only([*CLAIM_KEYS, *(k.name for k in keys)])
    check = cls(**{k.field: k.type.read(reader.get(k.name, k.type.reads, k.default)) for k in keys})
    for variant in check.variants():
        if variant not in variants:
            reader.fail(
                f"'{where}' names variant '{variant}', which the lab does not declare.{did_you_mean(variant, variants)}"
            )
    for problem in check.problems():
        reader.fail(f"'{where}{'.' + problem.key if problem.key else ''}' {problem.text}")
    return check


def _claims(source: str, tables: Any, variants: tuple[str, ...]) -> tuple[Claim, ...]:
    if not isinstance(tables, list) or not tables:
        TableReader(source, "", {}).fail("'claims' must be a non-empty array of tables ([[claims]])")
    claims, seen = [], set()
    for index, table in enumerate(tables):
        where = f"claims[{index}]"
        reader = TableReader(source, where, table)
        claim_id = reader.get("id", str)
        if not CLAIM_ID.fullmatch(claim_id):
            reader.fail(f"'{where}.id' is '{claim_id}'; claim ids look like 'L4.1' (L, lab number, dot, number)")
        if claim_id in seen:
            reader.fail(f"claim id '{claim_id}' is used twice; each claim needs its own stable id")
        seen.add(claim_id)
        text = reader.get("text", str)
        check = _check(f"{where} ({claim_id})", reader, variants)
        claims.append(Claim(id=claim_id, text=text.strip(), check=check, hint=reader.get("hint", str, "").strip()))
    return tuple(claims)


def parse(data: Mapping[str, Any], *, name: str, source: str) -> Lab:
    """Validate a parsed ``lab.toml`` (``source`` names it in errors)."""
    top = TableReader(source, "", data)
    top.only(["lab", "smoke", "variants", "claims"])
    meta = TableReader(source, "lab", top.get("lab", dict))
    meta.only(list(LAB_KEYS))
    smoke = _smoke(source, "smoke", top.table["smoke"], None) if "smoke" in top.table else None
    tables = TableReader(source, "variants", top.get("variants", dict)).table
    variants = tuple(_variant(source, vname, vtable, smoke) for vname, vtable in tables.items())
    names = tuple(v.name for v in variants)
    for required in ("before", "after"):
        if required not in names:
            top.fail(f"'variants.{required}' is missing; every lab has at least a 'before' and an 'after' variant")
    prepare = meta.path("prepare", None)
    releases = meta.get("releases", int, 1)
    if releases < 1:
        meta.fail(f"'lab.releases' is {releases}; it counts releases of the app, 1 or more")
    if releases > 1 and not prepare:
        meta.fail(
            f"'lab.releases' is {releases}, but the lab has no 'lab.prepare' script to make them; "
            f"the script makes release N when {RELEASE_ENV}=N"
        )
    stores = meta.get("stores", list, ())
    if unknown := [store for store in stores if store not in STORES]:
        meta.fail(
            f"'lab.stores' names {', '.join(map(repr, unknown))}; Docker's image stores are {' and '.join(STORES)}"
        )
    if len(set(stores)) < len(stores):
        meta.fail("'lab.stores' names a store twice; name each once")
    claims = _claims(source, data.get("claims"), names)
    if releases < 2 and (updates := [c.id for c in claims if c.check.reads(Facet.RELEASES)]):
        meta.fail(
            f"claims {', '.join(updates)} are about updates, which need 'lab.releases' of 2 or more "
            "(and a 'lab.prepare' script that makes each release)"
        )
    return Lab(
        name=name,
        title=meta.get("title", str),
        page=meta.get("page", str),
        prepare=prepare,
        exercise=" ".join(meta.get("exercise", str, "").split()),
        releases=releases,
        stores=stores,
        variants=variants,
        claims=claims,
    )


def load(folder: Path) -> Lab:
    """Read and validate ``folder/lab.toml``; every path it names must be inside the folder, and be there."""
    path = folder / SPEC_NAME
    source = str(path)
    lab = parse(_toml(_text(_spec_bytes(path, folder), source), source), name=folder.name, source=source)
    for key, relative, wanted in named_paths(lab):
        _check_path(path, folder, key, relative, wanted)
    return lab


def _spec_bytes(path: Path, folder: Path) -> bytes:
    """The bytes of a lab's spec: a regular file inside the lab folder of at most :data:`SPEC_LIMIT` bytes."""
    found = paths.kind(path)
    if found == paths.NOTHING:
        raise UsageError(
            f"{folder}: no {SPEC_NAME} here. A lab is a folder labs/lab-N-<topic>/ holding a {SPEC_NAME}; "
            "see docs/reference."
        )
    if target := paths.escapes(path, folder):
        raise UsageError(
            f"{path} is a symbolic link that leads outside the lab folder (to {paths.shown(target)}): a lab is read "
            f"only from its own files. Put the {SPEC_NAME} itself in the lab folder."
        )
    if found != paths.FILE:
        raise UsageError(f"{path} is {found}, not a file; it was not opened. A lab's {SPEC_NAME} is a text file.")
    try:
        data = paths.read_small(path, SPEC_LIMIT)
    except OSError as error:
        raise UsageError(f"{path} cannot be read ({error}).") from None
    if data is None:
        raise UsageError(
            f"{path} is larger than {SPEC_LIMIT >> 20} MiB, so it was not read; a lab spec is a few kB. "
            "Fix the lab spec and run the command again."
        )
    return data


def _text(data: bytes, source: str) -> str:
    """A spec's bytes as text: UTF-8 without a byte order mark, as TOML requires."""
    if data.startswith(codecs.BOM_UTF8):
        raise UsageError(
            f"{source} starts with a UTF-8 byte order mark (BOM, the bytes EF BB BF), which TOML does not allow. "
            "Save it as UTF-8 without BOM (in most editors, the encoding 'UTF-8' rather than 'UTF-8 with BOM')."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UsageError(
            f"{source}: the byte 0x{data[error.start]:02x} at offset {error.start} (line {line}) is not UTF-8, and "
            "TOML files are UTF-8. Save the file as UTF-8 (it was probably written as Latin-1 or another legacy "
            "encoding) and run the command again."
        ) from None


def _toml(text: str, source: str) -> dict[str, Any]:
    """A spec's text as TOML tables."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{source}: not valid TOML ({error}). Fix the syntax and run the command again.") from None
    except RecursionError:
        raise UsageError(
            f"{source}: arrays or tables nest deeper than the TOML reader can follow (a thousand levels or so); "
            "a lab spec needs a few. Fix the lab spec and run the command again."
        ) from None


def named_paths(lab: Lab) -> list[tuple[str, str, str]]:
    """Every path the spec names, as (key, path relative to the lab folder, what must be there)."""
    found = [("lab.prepare", lab.prepare, paths.FILE)] if lab.prepare else []
    for variant in lab.variants:
        where = f"variants.{variant.name}"
        found += [
            (f"{where}.dockerfile", variant.dockerfile, paths.FILE),
            (f"{where}.context", variant.context, paths.FOLDER),
        ]
        found += [(f"{where}.secrets.{secret_id}", file, paths.FILE) for secret_id, file in variant.secrets]
    return found


def _check_path(spec: Path, folder: Path, key: str, relative: str, wanted: str) -> None:
    """A path the spec names must lead, its symbolic links followed, to a file (or a folder) inside the lab."""
    target = folder / relative
    named = f"{spec}: '{key}' names '{paths.shown(relative)}'"
    if leads := paths.escapes(target, folder):
        raise UsageError(
            f"{named}, a symbolic link that leads outside the lab folder {folder} (to {paths.shown(leads)}). "
            f"{STAY_INSIDE}; put the file itself there."
        )
    found = paths.kind(target)
    if found == paths.NOTHING:
        raise UsageError(f"{named}, which does not exist in {folder}. Create it or fix the path.")
    if found != wanted:
        raise UsageError(f"{named}, which is {found} in {folder}. Fix the path: {_fix(relative, found, wanted)}.")


def _fix(relative: str, found: str, wanted: str) -> str:
    if found == paths.FOLDER:
        return f"name the file itself, e.g. '{relative.rstrip('/')}/Dockerfile'"
    if found == paths.FILE:
        return "name the folder it is in"
    return f"name {wanted}; nothing else is read, and this was not opened"
