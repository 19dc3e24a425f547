"""The rebuild facet: a variant built once more from an empty cache (:mod:`checks.engine.rebuild`), unless the
recorded rebuild stands (:func:`checks.plan.keep.recorded_rebuild`)."""

from __future__ import annotations

import dataclasses

from checks.engine import rebuild
from checks.engine.buildx import BuildRequest
from checks.model.measured import Measured
from checks.model.progress import Say
from checks.model.results import Results
from checks.model.spec import Lab, Variant
from checks.plan import keep


def rebuild_of(
    lab: Lab,
    variant: Variant,
    m: Measured,
    request: BuildRequest,
    previous: Results | None,
    *,
    what: str,
    echo: Say,
    rebuilt: bool = False,
) -> Measured:
    """``m`` with its rebuild: the recorded one when the same image was recorded with it, else built anew.
    With ``rebuilt`` (the lab's inputs are the recorded ones), the rebuild recorded for the same recipe built
    before is kept too (:meth:`~checks.model.measured.Measured.built_like`), unless a ``reproducible`` claim
    reads the variant: those are rebuilt from the build being judged."""
    before = keep.recorded_rebuild(
        previous.variants.get(variant.name) if previous else None,
        m,
        rebuilt=keep.recipe_may_stand(lab, variant.name, rebuilt=rebuilt, reads=keep.reads_rebuild),
    )
    if before is not None:
        if before.image_id != m.image_id:
            echo(f"{what}: keeping the rebuild recorded for the same steps and layer sizes (--force builds it again)")
        return dataclasses.replace(m, rebuild=before.rebuild)
    return dataclasses.replace(m, rebuild=rebuild.rebuild(request, m.image_id, what=what, echo=echo, lab=lab.name))
