"""Text from an image as an output may show it: :func:`scrubbed`, the one scrubber every output passes such text
through (the terminal, JSON, ``results.json``, the guide), with the secret rules of :mod:`checks.inspect.secrets`.

Every value a content rule matches, the start of one cut short (:data:`CUT`) and the value of every
secret-sounding variable the text sets are redacted as a finding redacts them (:func:`~checks.inspect.secrets.redact`),
so the layer table never prints what the secrets section redacts.
"""

from __future__ import annotations

import functools
import re

from checks.inspect.secrets import CONTENT_RULES, POINTER_NAME, SECRET_NAME, Rule, redact, step_pairs

#: A ``NAME=value`` anywhere in a text, which may be a JSON document: an unquoted value ends where a quote or a
#: backslash does, so that redacting it never takes the quote that closes a JSON string (or an escape of one).
_LOOSE_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|[^\s\"\\]*)")


def _cut(rule: Rule) -> re.Pattern[str]:
    """The start of a token ``rule`` finds, however short: its prefix and the token characters after it, unless
    they read as a lower-case name (``npm_config_cache``)."""
    starts = "|".join(re.escape(anchor.decode()) for anchor in rule.anchors)
    return re.compile(rf"(?<![A-Za-z0-9_-])(?:{starts})(?![a-z]+(?:[_-][a-z]+)*(?![A-Za-z0-9_-]))[A-Za-z0-9_-]+")


#: Values cut short or laid out anew, which a rule's own pattern no longer matches: an error's excerpt of a
#: header field, a line shortened for the terminal, a private key on one line or with ``\n`` for its newlines.
#: Each with the characters of it that may be shown.
CUT: tuple[tuple[re.Pattern[str], int], ...] = (
    *((_cut(rule), rule.shown) for rule in CONTENT_RULES if rule.shown and rule.anchors),
    (
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:(?!-----END )[A-Za-z0-9+/=\s\\:,.-])*(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?"
        ),
        0,
    ),
)
#: Where a value a content rule matches may begin: text without any of these holds none.
_STARTS = re.compile("|".join(re.escape(anchor.decode()) for rule in CONTENT_RULES for anchor in rule.anchors))


def scrubbed(text: str) -> str:
    """Any text that came from an image (an instruction, a path, a label, an error's excerpt of its bytes) as an
    output may show it: every value a content rule matches, the start of one cut short (:data:`CUT`) and the
    value of every secret-sounding variable it sets (``DB_PASSWORD=...``), redacted (:func:`redact`).

    The one scrubber of every output (the terminal, JSON, ``results.json``, the guide), so a report never repeats
    what a finding redacts.  Scrubbing scrubbed text changes nothing.
    """
    if _STARTS.search(text):
        text = _cut_values(_matched_values(text))
    return _secret_variables(text) if "=" in text else text


def _matched_values(text: str) -> str:
    """``text`` with every value a content rule's own pattern matches redacted."""
    raw = text.encode("utf-8", "surrogatepass")
    for rule in CONTENT_RULES:
        assert rule.pattern is not None
        for hit in {found.group(0) for found in rule.pattern.finditer(raw)}:
            value = hit.decode("utf-8", "surrogatepass")
            text = text.replace(value, redact(value, rule.shown))
    return text


def _cut_values(text: str) -> str:
    """``text`` with the start of every value cut short redacted (:data:`CUT`)."""
    for pattern, shown in CUT:
        text = pattern.sub(functools.partial(_redact_match, shown=shown), text)
    return text


def _redact_match(found: re.Match[str], *, shown: int) -> str:
    return redact(found.group(0), shown)


def _secret_variables(text: str) -> str:
    """``text`` with the value of every secret-sounding variable it sets redacted: those a history step sets
    (:func:`step_pairs`), and any ``NAME=value`` elsewhere whose value is written out (not ``$(...)`` or ``$VAR``)
    and not redacted already."""
    pairs = [*step_pairs(text), *((n, v.strip('"')) for n, v in _LOOSE_PAIR.findall(text) if not v.startswith("$"))]
    for name, value in dict.fromkeys(pairs):
        if value and "…" not in value and SECRET_NAME.search(name) and not POINTER_NAME.search(name):
            text = text.replace(f"{name}={value}", f"{name}={redact(value, 0)}")
            text = text.replace(f'{name}="{value}"', f"{name}={redact(value, 0)}")
    return text
