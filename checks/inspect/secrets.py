"""Secret-looking content in every layer of an image, deleted or not: plain functions over paths, bytes and config.

A layer keeps what it was given even when a later layer deletes or replaces
it, so a token written in one ``RUN`` and removed in the next still ships
(:mod:`checks.inspect.layers`).  The rules are the table :data:`RULES`, small
on purpose and with no external database:

- **content rules** read a file's bytes (only regular files of at most
  :data:`CONTENT_LIMIT` bytes are read: keys, tokens and config files are
  small): private keys, tokens with a provider's well-known prefix, cloud
  access-key ids;
- **name rules** read only a path: ``.env`` files, whatever their size;
- **config rules** read the image config: each ``Env`` entry and each
  history step's ``created_by``, where an ``ENV`` or ``ARG`` line and a
  ``RUN`` with build args (``RUN |1 NAME=value /bin/sh -c ...``) show their
  values; a name that says password, secret, token or key, with a value, is a
  finding, and so is any value a content rule matches.

A matched value is never kept: :func:`redact` turns it into its first
characters, at most the rule's public prefix (``ghp_``), then ``…`` and its
length, as soon as it is found.  :func:`checks.inspect.redaction.scrubbed` does
the same to any text an output shows that came from an image (a step, a path,
an error's excerpt), so the layer table never prints what the secrets section
redacts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from checks.inspect.layers import Entry
from checks.inspect.literals import Literals

#: Regular files of at most this many bytes have their content read (larger ones only their name).
CONTENT_LIMIT = 1 << 20
#: What a finding in the image config names instead of a path.
CONFIG_ENV, HISTORY = "config Env", "history"


@dataclass(frozen=True)
class Rule:
    """One kind of secret: its id, what it is, and how it is found."""

    #: Stable id, as ``analyze`` and the ``secret_found`` claim kind name it.
    id: str
    title: str
    #: Characters of a match that may be shown: its public prefix (``ghp_``); 0 shows none.
    shown: int
    #: A content rule's pattern over a file's bytes, or None.
    pattern: re.Pattern[bytes] | None = None
    #: The literals a match starts with: the pattern is tried only where one of them starts (the literals of every
    #: rule are found in one pass, :mod:`checks.inspect.literals`, much cheaper than patterns that search).
    anchors: tuple[bytes, ...] = ()
    #: A name rule's pattern over a file's base name, or None.
    name: re.Pattern[str] | None = None


def _token(body: str) -> re.Pattern[bytes]:
    """A token pattern that a longer run of token characters around it does not match."""
    return re.compile(rb"(?<![A-Za-z0-9_-])(?:" + body.encode() + rb")(?![A-Za-z0-9_-])")


#: The rules, each one line: what it matches and why no near miss does.
RULES: tuple[Rule, ...] = (
    Rule(
        "private-key",
        "a PEM private key (a BEGIN ... PRIVATE KEY line and at least 64 characters of key)",
        0,
        re.compile(
            rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\r?\n"
            rb"(?:[A-Za-z-]+: [^\r\n]*\r?\n)*\r?\n?[A-Za-z0-9+/=\r\n]{64,}"
        ),
        (b"-----BEGIN ",),
    ),
    Rule(
        "dotenv",
        "a .env file (.env.example, .env.sample and .env.template are left out)",
        0,
        name=re.compile(r"^\.env(?:\.(?!(?:example|sample|template|dist)$)[\w.-]+)?$"),
    ),
    Rule(
        "github-token",
        "a GitHub token: ghp_, gho_, ghu_, ghs_ or ghr_ and 36 characters, or github_pat_ and 82",
        4,
        _token(r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}"),
        (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
    ),
    Rule(
        "gitlab-token",
        "a GitLab personal access token: glpat- and 20 or more characters",
        4,
        _token(r"glpat-[A-Za-z0-9_-]{20,}"),
        (b"glpat-",),
    ),
    Rule("npm-token", "an npm access token: npm_ and 36 characters", 4, _token(r"npm_[A-Za-z0-9]{36}"), (b"npm_",)),
    Rule(
        "pypi-token",
        "a PyPI API token: pypi-AgE and 70 or more characters",
        4,
        _token(r"pypi-AgE[A-Za-z0-9_-]{70,}"),
        (b"pypi-AgE",),
    ),
    Rule(
        "slack-token",
        "a Slack token: xoxa-, xoxb-, xoxp-, xoxo-, xoxs- or xoxr-, digits, a dash and more",
        4,
        _token(r"xox[abposr]-[0-9]+-[A-Za-z0-9-]{8,}"),
        (b"xox",),
    ),
    Rule(
        "stripe-key",
        "a Stripe live secret or restricted key: sk_live_ or rk_live_ and 24 or more characters",
        4,
        _token(r"[sr]k_live_[A-Za-z0-9]{24,}"),
        (b"sk_live_", b"rk_live_"),
    ),
    Rule("google-api-key", "a Google API key: AIza and 35 characters", 4, _token(r"AIza[A-Za-z0-9_-]{35}"), (b"AIza",)),
    Rule(
        "aws-access-key",
        "an AWS access key id: AKIA (long-term) or ASIA (temporary) and 16 capitals or digits",
        4,
        re.compile(rb"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
        (b"AKIA", b"ASIA"),
    ),
    Rule("secret-variable", "an ENV, ARG or build arg whose name says password, secret, token or key, with a value", 0),
)
BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}
CONTENT_RULES = tuple(rule for rule in RULES if rule.pattern is not None)
NAME_RULES = tuple(rule for rule in RULES if rule.name is not None)
#: A variable name that says it holds a secret: a word of it is one of these (``DB_PASSWORD``, ``NPM_TOKEN``).
SECRET_NAME = re.compile(
    r"(?:^|_)(?:PASS|PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?)(?:_|$)",
    re.IGNORECASE,
)
#: Names that hold where a secret is, not the secret: ``POSTGRES_PASSWORD_FILE=/run/secrets/db``.
POINTER_NAME = re.compile(r"_(?:FILE|PATH|DIR)$", re.IGNORECASE)


def redact(value: bytes | str, shown: int) -> str:
    """``value`` as a report may show it: at most its first ``shown`` characters (never more than 4), then ``…``
    and its length."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return f"{text[: min(shown, 4)]}…({len(text)} chars)"


@dataclass(frozen=True)
class Match:
    """What a rule found in one place: never the value, only its redacted form."""

    rule: str
    #: The file's path (no leading slash), or :data:`CONFIG_ENV` / :data:`HISTORY`.
    path: str
    #: The first match, redacted (:func:`redact`); for a name rule, the file's size.
    redacted: str
    #: How many matches of the rule the place holds.
    count: int = 1


#: Every content rule's anchors, found in one pass over a file; :data:`_ANCHORED` names each one's rule.
_ANCHORS = Literals([anchor for rule in CONTENT_RULES for anchor in rule.anchors])
_ANCHORED = tuple(rule for rule in CONTENT_RULES for _ in rule.anchors)


def _matches(data: bytes, places: Sequence[tuple[int, int]] | None = None) -> Iterator[tuple[Rule, bytes]]:
    """Every content rule's matches in ``data``, in file order: each rule's pattern tried where one of its anchors
    starts (so a match may start inside another, of its own rule or another's); ``places`` are the anchors' places
    when they were found already."""
    for at, anchor in _ANCHORS.places(data) if places is None else places:
        rule = _ANCHORED[anchor]
        assert rule.pattern is not None
        if found := rule.pattern.match(data, at):
            yield rule, found.group(0)


def scan_content(path: str, data: bytes) -> tuple[Match, ...]:
    """Every content rule's matches in one file's bytes, one :class:`Match` per rule, read in one pass."""
    return _tally(path, _matches(data))


def scan_files(data: bytes | bytearray | memoryview, files: Sequence[tuple[str, int]]) -> list[tuple[Match, ...]]:
    """:func:`scan_content` of each of many small files laid end to end in ``data`` (each a path and where it ends),
    their anchors found in one pass over them all (:meth:`~checks.inspect.literals.Literals.places_each`): the same
    matches, for a fraction of the calls.  A file with an anchor is copied out and its patterns tried on its own
    bytes, so no pattern sees a neighbour's."""
    ends = [end for _, end in files]
    places = _ANCHORS.places_each(data, ends)
    return [
        _tally(path, _matches(bytes(data[ends[index - 1] if index else 0 : end]), places[index]))
        if index in places
        else ()
        for index, (path, end) in enumerate(files)
    ]


def _tally(path: str, matches: Iterable[tuple[Rule, bytes]]) -> tuple[Match, ...]:
    """One :class:`Match` per rule of ``matches`` (one file's): its first value, redacted, and how many."""
    first: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for rule, value in matches:
        first.setdefault(rule.id, value)
        counts[rule.id] = counts.get(rule.id, 0) + 1
    return tuple(
        Match(rule.id, path, redact(first[rule.id], rule.shown), counts[rule.id])
        for rule in CONTENT_RULES
        if rule.id in counts
    )


def _hits(rule: Rule, data: bytes) -> list[bytes]:
    """The matches of one content rule, in file order."""
    return [value for found, value in _matches(data) if found is rule]


def scan_name(item: Entry) -> tuple[Match, ...]:
    """The name rules' matches for one entry of a layer (a file with content, whiteouts and directories left out)."""
    if item.is_dir or not item.size:
        return ()
    return tuple(
        Match(rule.id, item.path, f"{item.size:,} bytes")
        for rule in NAME_RULES
        if rule.name and rule.name.match(item.name)
    )


def wanted(item: Entry) -> bool:
    """Whether a reader should hand this entry's content to :func:`scan_content`."""
    return item.type == "0" and 0 < item.size <= CONTENT_LIMIT


def _in_value(where: str, value: str) -> list[Match]:
    return [Match(m.rule, where, m.redacted, m.count) for m in scan_content(where, value.encode("utf-8", "replace"))]


def _variables(pairs: Iterable[tuple[str, str]], where: str) -> list[Match]:
    """``NAME=value`` pairs: a secret-sounding name with a value, and any value a content rule matches."""
    found = []
    for name, value in pairs:
        if value and SECRET_NAME.search(name) and not POINTER_NAME.search(name):
            found.append(Match("secret-variable", where, f"{name}={redact(value, 0)}"))
        found += _in_value(where, value)
    return found


#: ``ENV``/``ARG`` lines and BuildKit's build args of a ``RUN`` (``RUN |2 A=1 B=2 /bin/sh -c ...``).
_ENV_LINE = re.compile(r"^(?:/bin/sh -c #\(nop\)\s+)?(?:ENV|ARG)\s+(.*)$", re.DOTALL)
_BUILD_ARGS = re.compile(r"^RUN \|(\d+) (.*)$", re.DOTALL)
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\S*)")


def step_pairs(created_by: str) -> list[tuple[str, str]]:
    """The ``NAME=value`` pairs a history step shows: an ``ENV``/``ARG`` line's, or a ``RUN``'s build args."""
    text = created_by.removesuffix("# buildkit").strip()
    if line := _ENV_LINE.match(text):
        return [(n, v.strip('"')) for n, v in _PAIR.findall(line.group(1))]
    if run := _BUILD_ARGS.match(text):
        return [(n, v.strip('"')) for n, v in _PAIR.findall(run.group(2))[: int(run.group(1))]]
    return []


def scan_step(created_by: str) -> list[Match]:
    """One history step: its variables (:func:`step_pairs`) and any token pasted into its text."""
    found = _variables(step_pairs(created_by), HISTORY)
    named = {m.rule for m in found}
    return found + [m for m in _in_value(HISTORY, created_by) if m.rule not in named]


def scan_env(item: str) -> list[Match]:
    """One of the image config's ``Env`` entries (``NAME=value``)."""
    name, _, value = item.partition("=")
    return _variables([(name, value)], CONFIG_ENV)
