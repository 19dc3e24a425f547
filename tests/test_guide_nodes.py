"""checks.guide.nodes: the small docutils pieces every directive of the guide builds with."""

from __future__ import annotations

from docutils import nodes

from checks.guide.nodes import literals, not_recorded


def test_names_are_code_one_after_another_with_commas():
    shown = literals(["lab-1-python", "lab-2-node"])
    assert [part.astext() if isinstance(part, nodes.Node) else part for part in shown] == [
        "",
        "lab-1-python",
        ", ",
        "lab-2-node",
    ]
    assert [type(part) for part in shown if isinstance(part, nodes.Node)] == [nodes.literal, nodes.literal]


def test_no_names_are_nothing():
    assert literals([]) == []


def test_before_anything_is_recorded_a_note_names_the_command_that_records_it_as_code():
    (box,) = not_recorded("No rebuild is recorded yet: run {command}.")
    assert isinstance(box, nodes.note)
    assert box.astext() == "No rebuild is recorded yet: run make check."
    assert [code.astext() for code in box.findall(nodes.literal)] == ["make check"]


def test_a_directive_may_ask_for_a_warning_and_another_command():
    (box,) = not_recorded(
        "No workshop timings are recorded yet: run {command}.", command="make bench", box=nodes.warning
    )
    assert isinstance(box, nodes.warning)
    assert [code.astext() for code in box.findall(nodes.literal)] == ["make bench"]
