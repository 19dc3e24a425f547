"""The content rules' scan (checks.inspect.secrets.scan_content) over a corpus made to trip it: every rule's tokens and
near misses in noise, anchors that overlap, a token inside another rule's token, keys inside keys.

The reference is the rules' plain reading, written out here as it is defined: each rule's pattern tried at every
place one of its anchors starts, the matches in file order.  However the scan is made fast, it must find exactly
that, place for place and count for count.  Tokens are put together from parts, so no literal here looks like a
credential to a secret scanner.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from checks.inspect import secrets
from checks.inspect.literals import Literals
from checks.inspect.secrets import CONTENT_RULES, Match, Rule, redact, scan_content

#: Characters a token is made of, and some that end one.
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
ENDS = " \n\t\"'=:;,./+\x00\xff"
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def reference(path: str, data: bytes) -> tuple[Match, ...]:
    """The content rules as defined: each rule's pattern tried where each of its anchors starts, hits in file order."""
    found = []
    for rule in CONTENT_RULES:
        assert rule.pattern is not None
        hits = []
        for anchor in rule.anchors:
            at = data.find(anchor)
            while at != -1:
                if match := rule.pattern.match(data, at):
                    hits.append((at, match.group(0)))
                at = data.find(anchor, at + 1)
        if hits:
            values = [value for _, value in sorted(hits)]
            found.append(Match(rule.id, path, redact(values[0], rule.shown), len(values)))
    return tuple(found)


def _private_key(pick: random.Random) -> bytes:
    newline = pick.choice(["\n", "\r\n"])
    kind = pick.choice(["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "])
    headers = "".join(f"Proc-Type: 4,ENCRYPTED{newline}" for _ in range(pick.randrange(2)))
    body_length = pick.choice([63, 64, 65, 200])
    body = "".join(pick.choice(BASE64) for _ in range(body_length))
    return f"-----BEGIN {kind}PRIVATE KEY-----{newline}{headers}{newline * pick.randrange(2)}{body}".encode()


def _anchored(pick: random.Random, rule: Rule) -> bytes:
    """One of the rule's anchors, a run of token characters of a length around what the rule asks, and an end."""
    anchor = pick.choice(rule.anchors)
    if anchor.startswith(b"-----"):
        return _private_key(pick)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" if rule.id == "aws-access-key" else TOKEN_CHARS
    if anchor == b"xox":
        anchor += pick.choice("abposrq").encode() + b"-" + str(pick.randrange(10**6)).encode() + b"-"
    length = pick.choice([0, 8, 15, 16, 16, 19, 20, 24, 35, 35, 36, 36, 37, 70, 82, 90])
    run = "".join(pick.choice(alphabet) for _ in range(length))
    return anchor + run.encode() + (pick.choice(ENDS).encode("latin-1") if pick.random() < 0.5 else b"")


def _noise(pick: random.Random, size: int) -> bytes:
    if pick.random() < 0.3:
        return pick.randbytes(size)
    return "".join(pick.choice(TOKEN_CHARS + ENDS) for _ in range(size)).encode("latin-1")


def corpus(seed: int = 39, count: int = 600) -> Iterator[bytes]:
    """Files of noise with anchored runs put in at random places, side by side, inside one another and at the end,
    some of them twice."""
    pick = random.Random(seed)
    for _ in range(count):
        parts = []
        for _ in range(pick.randrange(1, 12)):
            rule = pick.choice(CONTENT_RULES)
            piece = _anchored(pick, rule)
            roll = pick.random()
            if roll < 0.2 and parts:  # inside the previous piece
                at = pick.randrange(len(parts[-1]) + 1)
                parts[-1] = parts[-1][:at] + piece + parts[-1][at:]
                continue
            if roll < 0.4:  # right after the previous piece, no end between
                parts.append(piece)
                continue
            parts.append(_noise(pick, pick.randrange(0, 60)) + pick.choice(ENDS).encode("latin-1") + piece)
        if pick.random() < 0.5:
            parts.append(pick.choice(ENDS).encode("latin-1"))
        data = b"".join(parts)
        yield data + b"\n" + data if pick.random() < 0.3 else data  # the same tokens twice


def one_alternation(data: bytes) -> tuple[tuple[str, int], ...]:
    """(rule, count) as one alternation of the rules searched left to right finds them: a match hides any other
    that starts inside it."""
    either = re.compile(b"|".join(b"(?P<r%d>%s)" % (n, r.pattern.pattern) for n, r in enumerate(CONTENT_RULES)))
    counts: dict[str, int] = {}
    for match in either.finditer(data):
        rule = CONTENT_RULES[int((match.lastgroup or "r0")[1:])].id
        counts[rule] = counts.get(rule, 0) + 1
    return tuple((rule.id, counts[rule.id]) for rule in CONTENT_RULES if rule.id in counts)


def test_the_corpus_holds_every_rule_s_hits_and_hits_inside_hits():
    seen: dict[str, int] = {}
    hidden = 0
    for data in corpus():
        found = reference("x", data)
        for match in found:
            seen[match.rule] = max(seen.get(match.rule, 0), match.count)
        hidden += one_alternation(data) != tuple((m.rule, m.count) for m in found)
    assert set(seen) == {rule.id for rule in CONTENT_RULES}
    assert min(seen.values()) >= 2  # each rule hits more than once in some file
    assert hidden >= 5  # and in some files a hit starts inside another


@pytest.fixture(params=[True, False], ids=["hyperscan", "bytes-find"])
def engine(request, monkeypatch):
    """The scan's one pass over a file, made by Hyperscan or, where it is missing, by one bytes.find per literal."""
    monkeypatch.setattr(secrets, "_ANCHORS", Literals(secrets._ANCHORS.literals, fast=request.param))


@pytest.mark.parametrize("seed", range(4))
def test_the_scan_finds_what_the_rules_define_in_every_file_of_the_corpus(engine, seed):
    for data in corpus(seed):
        assert scan_content("x", data) == reference("x", data)


def join(*parts: str) -> bytes:
    return "".join(parts).encode()


PATTERN = "0123456789abcdefghijklmnopqrstuvwxyz"  # 36 characters
AWS = join("AK", "IA", "ABCDEFGHIJKLMNOP")
GITHUB_HOLDING_AWS = join("gh", "p_") + AWS + PATTERN[10:26].encode()  # lower case: the key id ends
KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" * 3
KEY_LINE = join("-----BEGIN ", "RSA PRIVATE", " KEY-----")
KEY_IN_KEY = KEY_LINE + b"\nComment: " + KEY_LINE + b"\n\n" + KEY_BODY.encode() + b"\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (AWS, [("aws-access-key", f"AKIA…({len(AWS)} chars)", 1)]),
        (b"id=" + AWS + b"\nid=" + AWS, [("aws-access-key", f"AKIA…({len(AWS)} chars)", 2)]),
        (
            b"token " + GITHUB_HOLDING_AWS + b"\n",
            [
                ("github-token", f"ghp_…({len(GITHUB_HOLDING_AWS)} chars)", 1),
                ("aws-access-key", f"AKIA…({len(AWS)} chars)", 1),
            ],
        ),
        (KEY_IN_KEY, [("private-key", f"…({len(KEY_IN_KEY)} chars)", 2)]),
        (b"X" + AWS, []),
        (AWS + b"Q", []),
    ],
    ids=["alone", "twice", "inside-a-github-token", "key-inside-a-key", "after-a-capital", "before-a-capital"],
)
def test_the_scan_finds_each_rule_once_per_file_with_its_first_hit_and_count(engine, data, expected):
    assert [(m.rule, m.redacted, m.count) for m in scan_content("f", data)] == expected
