"""The floor facet: the files a variant's app opens while its smoke test runs (:mod:`checks.engine.floor`), traced
unless the recorded floor stands (:func:`checks.plan.keep.recorded_floor`)."""

from __future__ import annotations

import dataclasses

from checks.engine import floor as tracing
from checks.engine import images
from checks.model.i18n import _
from checks.model.measured import Measured
from checks.model.progress import FLOORS, Say, Step
from checks.model.results import Results
from checks.model.spec import Lab, Variant
from checks.plan import keep


def floor_of(
    lab: Lab,
    variant: Variant,
    m: Measured,
    previous: Results | None,
    echo: Say,
    *,
    rebuilt: bool = False,
) -> Measured:
    """``m`` with its runtime floor: the recorded one when the same image printed the same, else traced anew.
    With ``rebuilt`` (the lab's inputs are the recorded ones), the floor of the same recipe built before
    that printed the same is kept too (:meth:`~checks.model.measured.Measured.built_like`), unless a floor
    claim reads the variant: those are traced on the build being judged.

    Only a variant whose smoke test passed has a floor; one that cannot be traced keeps none, and says why.
    """
    if variant.smoke is None or m.smoke is None or not m.smoke.passed:
        return m
    before = keep.recorded_floor(
        previous.variants.get(variant.name) if previous else None,
        m,
        rebuilt=keep.recipe_may_stand(lab, variant.name, rebuilt=rebuilt, reads=keep.reads_floor),
    )
    if before is not None:
        return dataclasses.replace(m, runtime_files=before.runtime_files, runtime_bytes=before.runtime_bytes)
    tracing.ensure_strace(echo)
    words = _("{lab}: tracing the smoke test of {variant} for its runtime floor")
    echo(Step(phase=FLOORS, lab=lab.name, text=words.format(lab=lab.name, variant=variant.name)))
    run = tracing.measure_floor(
        images.inspect_image(m.image_id) or {},
        variant.smoke.args,
        expect=variant.smoke.expect,
        timeout=variant.smoke.timeout,
    )
    if run.floor is None:
        echo(_("{lab}: no runtime floor for {variant}: {why}").format(lab=lab.name, variant=variant.name, why=run.why))
        return m
    return dataclasses.replace(m, runtime_files=run.floor.count, runtime_bytes=run.floor.bytes)
