"""What a run starts from: a lab's spec, the fingerprint of its inputs, its bases and its recorded results; and
whether those results stand, so that nothing need be measured."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from checks.engine import images
from checks.engine.bases import Resolver
from checks.engine.pullbench import PullBench
from checks.measure.source import image_tag, resolve_bases
from checks.model.results import RESULTS_NAME, BaseUse, Results
from checks.model.settings import Settings
from checks.model.spec import Lab, load
from checks.plan import stale
from checks.store.inputs import inputs_sha256
from checks.store.results import read


def inputs(
    folder: Path, resolver: Resolver, names: Sequence[str] | None = None
) -> tuple[Lab, str, list[BaseUse], Results | None]:
    """The lab in ``folder``, the fingerprint of its inputs, its bases (or only ``names``) and its recorded
    results, if any."""
    lab = load(folder)
    uses = resolve_bases(lab, folder, resolver, names)
    return lab, inputs_sha256(lab, folder), uses, read(folder / RESULTS_NAME)


def _still_tagged(lab: Lab, name: str, image_id: str) -> bool:
    """True when variant ``name``'s tag still names image ``image_id``."""
    current = images.inspect_image(image_tag(lab, lab.variant(name)))
    return current is not None and current["Id"] == image_id


def up_to_date(
    lab: Lab,
    previous: Results | None,
    digest: str,
    uses: Sequence[BaseUse],
    settings: Settings,
    pulls: PullBench | None,
    only: Collection[str] | None = None,
) -> bool:
    """True when the recorded results stand (:func:`checks.plan.stale.recorded_stand`) and every recorded
    image is still under its tag. With ``only`` (some of the variants, and ``uses`` the bases they name),
    the same for those variants."""
    bases = {u.name: u.image_id for u in uses}
    wants = pulls.setting if pulls is not None else None
    if previous is None or not stale.recorded_stand(lab, previous, digest, bases, settings, wants, only):
        return False
    return all(_still_tagged(lab, name, image_id) for name, image_id in stale.tagged(lab, previous, only).items())
