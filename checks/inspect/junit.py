"""``analyze --format junit``: the budgets as a JUnit XML report, which every CI shows in its test view.

The common shape GitLab, Jenkins and GitHub's test reporters read (Jenkins'
``junit-10.xsd`` is the usual reference): a ``testsuites`` root holding one
``testsuite``, one ``testcase`` per budget given, and a ``failure`` element in
each budget broken, its ``message`` the verdict and its text the rule.  No
budget given is a suite of no test.  Written with the standard library's
ElementTree, which escapes what it must; characters XML 1.0 cannot hold (an
image name may carry control characters) are written as ``\\xNN``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from checks.inspect.budgets import Verdict, line

#: What XML 1.0 allows in a document; anything else is written as text.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Each test case's class name, as test views group them.
CLASSNAME = "slimlab.budgets"


def _text(value: str) -> str:
    """``value`` as XML can hold it: a control character, or a byte of a name that was no UTF-8 (a surrogate
    escape), as ``\\xNN``, as :func:`checks.cli.output.printable` shows such bytes."""

    def escaped(char: re.Match[str]) -> str:
        code = ord(char.group())
        return f"\\x{code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else code:02x}"

    return _NOT_XML.sub(escaped, value)


def report(verdicts: Sequence[Verdict], image: str) -> str:
    """The JUnit XML document for the budgets judged on ``image``."""
    failures = str(sum(not v.kept for v in verdicts))
    counts = {"tests": str(len(verdicts)), "failures": failures, "errors": "0"}
    root = ET.Element("testsuites", {"name": "slimlab analyze", **counts, "time": "0"})
    suite = ET.SubElement(
        root, "testsuite", {"name": _text(f"budgets of {image}"), **counts, "skipped": "0", "time": "0"}
    )
    for verdict in verdicts:
        given = f"{verdict.rule.option} {verdict.budget.written}".strip()
        case = ET.SubElement(
            suite, "testcase", {"classname": CLASSNAME, "name": _text(f"{verdict.rule.id} ({given})"), "time": "0"}
        )
        if not verdict.kept:
            failure = ET.SubElement(case, "failure", {"message": _text(verdict.text), "type": "budget"})
            failure.text = _text(f"{line(verdict)}\n{verdict.rule.text}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
