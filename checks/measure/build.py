"""The build facet: a variant built, smoke-tested and listed (size, layers, user, stages, and where a claim reads
them its file list and secrets)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checks.engine import containers, docker, images
from checks.engine.buildx import BuildRequest
from checks.engine.layer_source import analyze, config_history, visible_paths
from checks.inspect.analyze import secrets_seen
from checks.model.dockerfile import stages_of
from checks.model.errors import UsageError
from checks.model.i18n import _
from checks.model.measured import Layer, Measured, SmokeRun
from checks.model.newbytes import new_bytes, with_diff_ids, with_layer_bytes
from checks.model.progress import BUILDS, SMOKE, Say, Step, stage_steps
from checks.model.spec import SPEC_NAME, Lab, Variant


def probe(
    lab: Lab,
    folder: Path,
    variant: Variant,
    request: BuildRequest,
    *,
    needs_files: bool,
    needs_secrets: bool = False,
    base: tuple[str, ...] | None,
    echo: Say,
) -> Measured:
    """``variant`` built by ``request``, smoke-tested and listed; ``base``: the diff ids of its final stage's base,
    for the bytes a node holding that base pulls."""
    words = _("{lab}: building {variant} ({dockerfile})")
    echo(
        Step(
            phase=BUILDS,
            lab=lab.name,
            text=words.format(lab=lab.name, variant=variant.name, dockerfile=variant.dockerfile),
        )
    )
    built = docker.build(request, echo=lambda line: echo("    " + line))
    image_id = built.image_id
    info = images.inspect_image(image_id) or {}
    smoke = _smoke(lab, folder, variant, image_id, echo)
    diff_ids = info.get("RootFS", {}).get("Layers", [])
    steps = layers_of(image_id, info)
    size = int(info.get("Size", 0))
    if docker.containerd_store():
        # There the engine's Size counts the compressed content and its history the snapshots' disk use: the
        # layers' own file bytes instead, which the classic store reports (the layers page compares them).
        found = analyze(image_id)
        size, steps = found.size_bytes, with_layer_bytes(steps, [layer.size_bytes for layer in found.layers])
    return Measured(
        image_id=image_id,
        size_bytes=size,
        layer_count=len(diff_ids),
        layers=steps,
        new_bytes=new_bytes(steps, base),
        base_layers=base,
        user=(info.get("Config") or {}).get("User") or "",
        files=visible_paths(image_id) if needs_files else None,
        stages=stage_steps(stages_of(request.dockerfile, request.target), built.steps),
        smoke=smoke,
        secrets=secrets_seen(analyze(image_id, secrets=True)) if needs_secrets else None,
    )


def _smoke(lab: Lab, folder: Path, variant: Variant, image_id: str, echo: Say) -> SmokeRun | None:
    """The variant's smoke test run on ``image_id``, or None when it has none; one that hangs is an error."""
    if variant.smoke is None:
        return None
    echo(
        Step(
            phase=SMOKE,
            lab=lab.name,
            text=_("{lab}: smoke test of {variant}").format(lab=lab.name, variant=variant.name),
        )
    )
    smoke = containers.run_smoke(
        image_id, variant.smoke.args, expect=variant.smoke.expect, timeout=variant.smoke.timeout
    )
    if smoke.timed_out:
        raise UsageError(
            f"{folder / SPEC_NAME}: the smoke test of variant '{variant.name}' did not finish within "
            f"{variant.smoke.timeout:g}s, so its container was killed and removed. Smoke arguments must make the "
            "app exit on its own (a self-check mode, as in lab 4); if the app is only slow, raise the smoke "
            "timeout in the lab spec."
        )
    return smoke


def layers_of(image_id: str, info: Mapping[str, Any] | None = None) -> tuple[Layer, ...]:
    """The image's history, each step that wrote a layer with its diff id (``info``: its inspect data, if read)."""
    info = info if info is not None else images.inspect_image(image_id) or {}
    return with_diff_ids(images.history(image_id), config_history(image_id), info.get("RootFS", {}).get("Layers", []))
