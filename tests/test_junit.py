"""checks.inspect.junit: the budgets as the JUnit XML CI systems read (GitLab, Jenkins, GitHub's test reporters).

No JUnit schema ships offline, so the shape every one of them reads is
checked here, as Jenkins' junit-10.xsd (the usual reference) lays it out: a
``testsuites`` root, ``testsuite`` elements with a name and a count of tests,
``testcase`` elements with a name, and a ``failure`` in a test that failed;
only the attributes that schema declares.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from test_budgets import analysis

from checks.inspect.budgets import budget, judge, no_secrets
from checks.inspect.junit import CLASSNAME, report

#: Each element's attributes as junit-10.xsd declares them, and the ones it requires.
ATTRIBUTES = {
    "testsuites": ({"name", "time", "tests", "failures", "disabled", "errors"}, set()),
    "testsuite": (
        {"name", "tests", "failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname", "id"}
        | {"package", "file", "log", "url", "version"},
        {"name", "tests"},
    ),
    "testcase": ({"name", "assertions", "time", "classname", "status"}, {"name"}),
    "failure": ({"message", "type"}, set()),
    "properties": (set(), set()),
    "property": ({"name", "value"}, {"name", "value"}),
}
#: The elements each element may hold.
CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "testcase": {"skipped", "error", "failure", "system-out", "system-err"},
    "failure": set(),
}


def assert_common_junit_shape(document: str) -> ET.Element:
    """``document`` parses, and holds only what junit-10.xsd declares, with the counts its test cases give."""
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(document)
    assert root.tag == "testsuites"
    for element in root.iter():
        allowed, required = ATTRIBUTES[element.tag]
        assert set(element.attrib) <= allowed, element.tag
        assert required <= set(element.attrib), element.tag
        assert {child.tag for child in element} <= CHILDREN[element.tag], element.tag
    for suite in [root, *root.iter("testsuite")]:
        cases = list(suite.iter("testcase"))
        assert int(suite.get("tests", "0")) == len(cases)
        assert int(suite.get("failures", "0")) == sum(case.find("failure") is not None for case in cases)
        assert int(suite.get("errors", "0")) == 0
    return root


def test_one_suite_holds_one_test_case_per_budget_and_a_failure_in_each_broken_one():
    verdicts = judge(analysis(), [budget("--max-size", "50MB"), budget("--max-layers", "3"), no_secrets()])
    root = assert_common_junit_shape(report(verdicts, "app:1"))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "budgets of app:1"
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        (CLASSNAME, "highestSizeBytes (--max-size 50MB)"),
        (CLASSNAME, "highestLayerCount (--max-layers 3)"),
        (CLASSNAME, "noSecrets (--no-secrets)"),
    ]
    failure = cases[0].find("failure")
    assert failure.get("message") == "size 64.0 MB, over the limit 50.0 MB"
    assert failure.get("type") == "budget"
    assert failure.text.startswith("FAIL highestSizeBytes (--max-size 50MB)")
    assert cases[1].find("failure") is None
    assert cases[2].find("failure") is None


def test_no_budget_is_a_suite_of_no_test():
    root = assert_common_junit_shape(report((), "app:1"))
    assert root.find("testsuite").get("tests") == "0"


def test_characters_xml_cannot_hold_are_written_as_text():
    name = "app\x01\udcff:1"
    root = assert_common_junit_shape(report(judge(analysis(), [budget("--max-layers", "1")]), name))
    assert root.find("testsuite").get("name") == "budgets of app\\x01\\xff:1"


def test_markup_in_an_image_name_is_escaped():
    root = assert_common_junit_shape(report((), 'a<b>&"c'))
    assert root.find("testsuite").get("name") == 'budgets of a<b>&"c'
