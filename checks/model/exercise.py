"""A lab's exercise: the goals ``make lab-N`` judges, and the lab it judges them in.

The goals are the lab's own claims about ``after``, rebound to the learner's
image (:func:`goals`), plus "the smoke test still passes" when no claim runs
it.  Pure functions over a :class:`~checks.model.spec.Lab`: the grader builds
and judges with them, the guide lists them on the lab's page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from checks.model.claims.smoke import SmokePasses
from checks.model.i18n import _
from checks.model.measured import Facet
from checks.model.spec import Claim, Lab

#: The variant name of the learner's image while grading.
LEARNER = "yours"
#: The variant name of the reference answer while grading.
REFERENCE = "reference"
#: The Dockerfile a learner edits, in the lab folder.
EXERCISE = "exercise.Dockerfile"
#: The reference answer, in the lab folder.
SOLUTION = "solution.Dockerfile"


def _goal(claim: Claim, mapping: Mapping[str, str]) -> Claim | None:
    """The claim as a goal for the learner's image, or None when grading cannot judge it."""
    check = claim.check
    if "after" not in check.variants() or check.reads(Facet.PULLS, Facet.REGISTRY, Facet.FLOOR, Facet.REBUILD):
        # pull figures need a registry and a second engine, a floor a traced run as root, reproducibility
        # two more builds from an empty cache: `make check` measures those
        return None
    rebound = check.rebind(mapping)
    if rebound is None:
        return None
    return dataclasses.replace(claim, text=_(check.goal_text) if check.goal_text else claim.text, check=rebound)


def smoke_goal_id(lab: Lab) -> str:
    """The id of the goal grading adds when no claim runs the smoke test: ``L4.0``."""
    return f"{lab.claims[0].id.split('.')[0]}.0"


def goals(lab: Lab) -> tuple[Claim, ...]:
    """The lab's claims about ``after`` (compared with ``before``), judged on the learner's image."""
    mapping = {"after": LEARNER, "before": "before"}
    found = [goal for claim in lab.claims if (goal := _goal(claim, mapping)) is not None]
    if not any(claim.check.reads(Facet.SMOKE) for claim in found):
        found.insert(
            0,
            Claim(
                id=smoke_goal_id(lab),
                text=_("The app still passes its smoke test."),
                check=SmokePasses(variant=LEARNER),
                hint=_(
                    "Your image builds but the app no longer runs: compare its start command and files with "
                    "before.Dockerfile."
                ),
            ),
        )
    return tuple(found)


def graded_lab(lab: Lab, dockerfile: str) -> Lab:
    """The lab reduced to before, the learner's Dockerfile and the reference answer."""
    before = lab.variant("before")
    learner = dataclasses.replace(before, name=LEARNER, dockerfile=dockerfile, description="your Dockerfile")
    reference = dataclasses.replace(before, name=REFERENCE, dockerfile=SOLUTION, description="the reference answer")
    # Its own image names, so grading never moves the tags `make check` recorded.
    return dataclasses.replace(lab, name=f"{lab.name}-grade", variants=(before, learner, reference), claims=goals(lab))


def make_target(lab: Lab) -> str:
    """The ``make`` target that grades the lab's exercise: ``lab-4`` for ``lab-4-go-multistage``."""
    return "-".join(lab.name.split("-")[:2])
