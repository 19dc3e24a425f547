"""Every key ``results.json`` holds, walked from what the serializer writes (pure: no Sphinx here).

:func:`key_paths` walks the output of :func:`checks.model.resultsjson.to_dict`;
:data:`MEANINGS` says what each path means, either in its own words or by
naming the dataclass field whose ``#:`` comment says it.  A key the serializer
starts to write and nobody describes is in :func:`undescribed`: the reference
page's directive warns about it (so the docs build fails) and a unit test
fails too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

#: Mappings whose keys are names from the data, shown as one placeholder.
PLACEHOLDERS = {
    "bases": "<name>",
    "variants": "<variant>",
    "smoke": "<variant>",
    "variants.<variant>.link_pulls": "<rate>",
    "stores": "<store>",
    "stores.<store>.variants": "<variant>",
}
#: Mappings described as a whole: their keys are data, and their values plain numbers or strings.
WHOLE = {
    "engine",
    "variants.<variant>.stages",
    "variants.<variant>.analysis.classes",
    "variants.<variant>.rebuild.by_aspect",
    "claims[].expected.fields",
    "stores.<store>.bases",
    "stores.<store>.engine",
    "stores.<store>.claims",
    "claims[].measured.fields",
}

#: A path's meaning: its own words, or ``(class, field)`` of the dataclass whose ``#:`` comment says it.
MEANINGS: dict[str, str | tuple[str, str]] = {
    "schema_version": "The layout of this file; the guide refuses another.",
    "lab": "The lab's folder name.",
    "title": "The lab's title, from ``lab.toml``.",
    "passed": "True when every claim held.",
    "inputs_sha256": ("Results", "inputs_sha256"),
    "measured_at": ("Results", "measured_at"),
    "engine": "Versions of the Docker engine and of buildx that built the images.",
    "bases": "One entry per image named in a ``FROM`` line.",
    "bases.<name>.source": ("BaseUse", "source"),
    "bases.<name>.image": ("BaseUse", "image"),
    "bases.<name>.image_id": "The id of that image.",
    "variants": "One entry per variant of the lab.",
    "variants.<variant>.image_id": "The id of the variant's image.",
    "variants.<variant>.size_bytes": ("Measured", "size_bytes"),
    "variants.<variant>.layer_count": ("Measured", "layer_count"),
    "variants.<variant>.user": ("Measured", "user"),
    "variants.<variant>.layers": "The image's history, oldest step first.",
    "variants.<variant>.layers[].size_bytes": ("Layer", "size_bytes"),
    "variants.<variant>.layers[].created_by": ("Layer", "created_by"),
    "variants.<variant>.layers[].diff_id": ("Layer", "diff_id"),
    "variants.<variant>.stages": ("Measured", "stages"),
    "variants.<variant>.compressed_size_bytes": ("Measured", "compressed_size_bytes"),
    "variants.<variant>.pull_seconds": "The median of ``pull_runs``.",
    "variants.<variant>.pull_runs": ("Measured", "pull_runs"),
    "variants.<variant>.link_pulls": ("Measured", "link_pull_runs"),
    "variants.<variant>.link_pulls.<rate>.pull_seconds": "The median of the runs over that link.",
    "variants.<variant>.link_pulls.<rate>.pull_runs": "Seconds of each cold pull over that link, in run order.",
    "variants.<variant>.new_bytes": ("Measured", "new_bytes"),
    "variants.<variant>.new_compressed_bytes": ("Measured", "new_compressed_bytes"),
    "variants.<variant>.runtime_files": ("Measured", "runtime_files"),
    "variants.<variant>.runtime_bytes": ("Measured", "runtime_bytes"),
    "variants.<variant>.runtime_utilisation": "``runtime_bytes / size_bytes``: the share of the image its app used.",
    "variants.<variant>.secrets": ("Measured", "secrets"),
    "variants.<variant>.secrets[].rule": ("SecretSeen", "rule"),
    "variants.<variant>.secrets[].path": ("SecretSeen", "path"),
    "variants.<variant>.secrets[].layer": ("SecretSeen", "layer"),
    "variants.<variant>.secrets[].visible": ("SecretSeen", "visible"),
    "variants.<variant>.releases": ("Measured", "releases"),
    "variants.<variant>.releases[].number": ("Release", "number"),
    "variants.<variant>.releases[].image_id": "The id of that release's image.",
    "variants.<variant>.releases[].build_seconds": ("Release", "build_seconds"),
    "variants.<variant>.releases[].new_bytes": ("Release", "new_bytes"),
    "variants.<variant>.releases[].pulled_bytes": ("Release", "pulled_bytes"),
    "variants.<variant>.releases[].pull_seconds": ("Release", "pull_seconds"),
    "variants.<variant>.shared_pulls": ("Measured", "shared_pulls"),
    "variants.<variant>.shared_pulls[].held": ("SharedPull", "held"),
    "variants.<variant>.shared_pulls[].pulled_bytes": ("SharedPull", "pulled_bytes"),
    "variants.<variant>.shared_pulls[].pull_seconds": ("SharedPull", "pull_seconds"),
    "variants.<variant>.compressions": ("Measured", "compressions"),
    "variants.<variant>.compressions[].compression": ("Compressed", "compression"),
    "variants.<variant>.compressions[].compressed_size_bytes": ("Compressed", "compressed_size_bytes"),
    "variants.<variant>.compressions[].compress_seconds": ("Compressed", "compress_seconds"),
    "variants.<variant>.compressions[].pull_seconds": ("Compressed", "pull_seconds"),
    "variants.<variant>.compressions[].unpack_seconds": ("Compressed", "unpack_seconds"),
    "variants.<variant>.rebuild": ("Measured", "rebuild"),
    "variants.<variant>.rebuild.reproducible": "True when both builds gave the same image id.",
    "variants.<variant>.rebuild.source_date_epoch": ("Rebuild", "source_date_epoch"),
    "variants.<variant>.rebuild.image_ids": ("Rebuild", "image_ids"),
    "variants.<variant>.rebuild.differing": ("Rebuild", "differing"),
    "variants.<variant>.rebuild.by_aspect": ("Rebuild", "by_aspect"),
    "variants.<variant>.rebuild.differences": ("Rebuild", "differences"),
    "variants.<variant>.rebuild.differences[].layer": ("FileDifference", "layer"),
    "variants.<variant>.rebuild.differences[].path": ("FileDifference", "path"),
    "variants.<variant>.rebuild.differences[].aspects": ("FileDifference", "aspects"),
    "variants.<variant>.analysis": ("Results", "analysis"),
    "variants.<variant>.analysis.wasted_bytes": ("AnalysisSummary", "wasted_bytes"),
    "variants.<variant>.analysis.efficiency": ("AnalysisSummary", "efficiency"),
    "variants.<variant>.analysis.reclaimable_bytes": ("AnalysisSummary", "reclaimable_bytes"),
    "variants.<variant>.analysis.classes": ("AnalysisSummary", "classes"),
    "variants.<variant>.analysis.tree": ("AnalysisSummary", "tree"),
    "smoke": "One entry per variant whose smoke test ran.",
    "smoke.<variant>.passed": ("SmokeRun", "passed"),
    "smoke.<variant>.exit_code": ("SmokeRun", "exit_code"),
    "smoke.<variant>.timed_out": ("SmokeRun", "timed_out"),
    "smoke.<variant>.stdout": ("SmokeRun", "stdout"),
    "claims": "One entry per claim of ``lab.toml``, in its order.",
    "claims[].id": "The claim's id, such as ``L4.1``.",
    "claims[].kind": "Its claim kind (see Claim kinds above).",
    "claims[].text": "Its sentence.",
    "claims[].passed": "Whether it held.",
    "claims[].expected": "What it demands, in words: a template and its fields, or (in results recorded before "
    "schema 2) an English sentence.",
    "claims[].expected.template": "The words as the English edition writes them, ``{name}`` marking a field; "
    "each edition shows its own translation of them.",
    "claims[].expected.fields": "The value of each field: a name, a path, program output, a figure as the guide "
    "shows it, a list of these, or a template with fields of its own.",
    "claims[].measured": "What was measured, in words, of the same form.",
    "claims[].measured.template": "As for ``expected``.",
    "claims[].measured.fields": "As for ``expected``.",
    "stores": ("Results", "stores"),
    "stores.<store>.inputs_sha256": ("StoreRun", "inputs_sha256"),
    "stores.<store>.bases": ("StoreRun", "bases"),
    "stores.<store>.engine": ("StoreRun", "engine"),
    "stores.<store>.variants": "Each variant's image on this store.",
    "stores.<store>.variants.<variant>.image_id": ("StoreFigures", "image_id"),
    "stores.<store>.variants.<variant>.size_bytes": ("StoreFigures", "size_bytes"),
    "stores.<store>.variants.<variant>.inspect_bytes": ("StoreFigures", "inspect_bytes"),
    "stores.<store>.variants.<variant>.listed_bytes": ("StoreFigures", "listed_bytes"),
    "stores.<store>.claims": ("StoreRun", "claims"),
}


def key_paths(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every key path in ``data``, in the serializer's order, data-named keys folded into placeholders."""
    paths: list[str] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        _add(paths, path)
        if path in WHOLE:
            continue
        if path in PLACEHOLDERS and isinstance(value, Mapping):
            for item in value.values():
                if isinstance(item, Mapping):
                    for sub in key_paths(item, f"{path}.{PLACEHOLDERS[path]}."):
                        _add(paths, sub)
        elif isinstance(value, Mapping):
            for sub in key_paths(value, f"{path}."):
                _add(paths, sub)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    for sub in key_paths(item, f"{path}[]."):
                        _add(paths, sub)
    return paths


def _add(paths: list[str], path: str) -> None:
    if path not in paths:
        paths.append(path)


def in_order(paths: list[str]) -> list[str]:
    """``paths`` in the order :data:`MEANINGS` (the serializer's order) lists them, undescribed ones last.

    Labs recorded before a key was added lack it, so the order the labs' files give is not the serializer's.
    """
    order = {path: index for index, path in enumerate(MEANINGS)}
    return sorted(paths, key=lambda path: order.get(path, len(order)))


def undescribed(paths: list[str]) -> list[str]:
    """The paths :data:`MEANINGS` says nothing about."""
    return [path for path in paths if path not in MEANINGS]


def plain(text: str) -> str:
    """A ``#:`` comment as a page shows it: Sphinx cross-reference roles become plain code."""
    return re.sub(r":[a-z]+:`([^`]+)`", r"`\1`", text)


def rows(paths: list[str], field_doc: Callable[[str, str], str]) -> list[tuple[str, str]]:
    """``(path, meaning)`` for every described path; ``field_doc(class, field)`` reads a ``#:`` comment."""
    out = []
    for path in paths:
        meaning = MEANINGS.get(path)
        if meaning is None:
            continue
        out.append((path, meaning if isinstance(meaning, str) else field_doc(*meaning)))
    return out
