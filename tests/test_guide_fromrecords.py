"""checks.guide.fromrecords: a page says what its measured values were measured on."""

from __future__ import annotations

from types import SimpleNamespace

from checks.guide.fromrecords import bases_note, labs_needing_note, recorded_days
from checks.model.results import BaseUse


def base(name: str, source: str) -> BaseUse:
    return BaseUse(name=name, source=source, image="x", image_id="sha256:1")


def test_stand_ins_and_official_images_are_told_apart_once_each():
    bases = [base("b", "stand-in"), base("a", "stand-in"), base("b", "stand-in"), base("c", "official")]
    assert bases_note(bases) == (["a", "b"], ["c"])


def test_a_page_needs_the_note_only_for_labs_whose_table_it_lacks():
    assert labs_needing_note({"lab-1", "lab-2"}, {"lab-1"}) == {"lab-2"}
    assert labs_needing_note({"lab-1"}, {"lab-1"}) == set()


def recorded_on(*days: str) -> list:
    return [SimpleNamespace(measured_at=f"{day}T10:00:00+00:00") for day in days]


def test_the_day_figures_were_measured_is_one_day_or_the_first_and_the_last():
    assert recorded_days(recorded_on("2026-12-03", "2026-12-03")) == "2026-12-03"
    assert recorded_days(recorded_on("2026-12-03", "2026-11-30", "2026-12-01")) == "2026-11-30 to 2026-12-03"
    assert recorded_days([]) == ""
