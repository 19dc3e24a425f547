"""checks.guide.layertally: which instructions wrote a layer, from recorded histories and layer counts."""

from __future__ import annotations

from pathlib import Path

from checks.guide.layertally import histories, keyword, tally
from checks.model.measured import Layer, Measured
from checks.store.results import read

ROOT = Path(__file__).resolve().parent.parent


def image(count: int, *steps: tuple[str, int]) -> Measured:
    layers = tuple(Layer(created_by=created_by, size_bytes=size) for created_by, size in steps)
    return Measured(image_id="sha256:x", size_bytes=sum(s for _, s in steps), layer_count=count, layers=layers)


def verdicts(*images: Measured) -> dict[str, str]:
    return {row.instruction: row.writes_layer for row in tally(images)}


def test_buildkit_history_lines_are_read_as_their_instruction():
    assert keyword("RUN /bin/sh -c apt-get update # buildkit") == "RUN"
    assert keyword("COPY app/ . # buildkit") == "COPY"
    assert keyword("/bin/sh -c #(nop)  ENV A=b") == "ENV"
    assert keyword("WORKDIR /app") == "WORKDIR"
    assert keyword("WORKDIR /") == "WORKDIR /"


def test_a_step_that_added_bytes_wrote_a_layer():
    assert verdicts(image(1, ("COPY a / # buildkit", 10)))["COPY"] == "always"


def test_the_layer_count_decides_whether_a_step_without_bytes_made_a_layer():
    found = verdicts(
        image(2, ("COPY a / # buildkit", 10), ("WORKDIR /app", 0), ("ENV A=b", 0)),
        image(1, ("COPY a / # buildkit", 10), ("ENV A=b", 0)),
    )
    assert found == {"COPY": "always", "WORKDIR": "always", "ENV": "never"}


def test_a_step_the_counts_cannot_place_is_undecided():
    found = verdicts(image(2, ("COPY a / # buildkit", 10), ("WORKDIR /app", 0), ("ENV A=b", 0)))
    assert found["WORKDIR"] == found["ENV"] == "undecided"


def test_counts_that_no_rule_fits_leave_every_step_without_bytes_undecided():
    found = verdicts(image(3, ("COPY a / # buildkit", 10), ("ENV A=b", 0)), image(1, ("ENV A=b", 0)))
    assert found["ENV"] == "undecided"


def test_the_recorded_labs_show_workdir_writes_a_layer_and_metadata_none():
    recorded = {p.parent.name: read(p) for p in sorted((ROOT / "labs").glob("*/results.json"))}
    found = verdicts(*histories({name: r.variants for name, r in recorded.items() if r}))
    assert {found[word] for word in ("RUN", "COPY", "ADD", "WORKDIR")} == {"always"}
    assert {found[word] for word in ("ENV", "CMD", "ENTRYPOINT", "USER", "EXPOSE", "WORKDIR /")} == {"never"}
