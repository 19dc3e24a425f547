"""Reproducibility: what two builds wrote differently, the claim judged on it, and how it is recorded.

checks.inspect.rebuild (the comparison), the stamps both layer readers give,
the ``reproducible`` claim kind, the results.json round trip and the build
command a rebuild runs; no Docker.
"""

from __future__ import annotations

import dataclasses
import io
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from analyze_images import tar_split

from checks.engine import rebuild
from checks.engine.buildx import BuildRequest, Built, command_of
from checks.engine.rebuild import SOURCE_DATE_EPOCH, with_epoch
from checks.inspect.archive import entries_from_tar_split, layer_entries
from checks.inspect.layers import Entry, Stamp
from checks.inspect.rebuild import aspects_of, compare, config_difference, layer_differences
from checks.inspect.tar import Reader
from checks.measure.source import image_labels, image_tag
from checks.model.checkout import HERE
from checks.model.claims.rebuild import Reproducible
from checks.model.measured import DIFFERENCES_KEPT, FileDifference, Measured, Rebuild
from checks.model.results import Results
from checks.model.resultsjson import from_dict, to_dict
from checks.model.spec import load


def stamped_tar(members: list[tuple[str, bytes | None, dict]]) -> bytes:
    """A PAX layer tar of (path, content or None for a directory or link, tar header fields)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, content, fields in members:
            info = tarfile.TarInfo(path)
            info.type = fields.pop("type", tarfile.DIRTYPE if content is None else tarfile.REGTYPE)
            info.mtime, info.mode = 1_735_689_600, 0o644
            for name, value in fields.items():
                setattr(info, name, value)
            info.size = len(content or b"")
            tar.addfile(info, io.BytesIO(content) if content else None)
    return out.getvalue()


MEMBERS = [
    ("app", None, {"mode": 0o755}),
    ("app/main.py", b"print('hi')\n", {"uid": 65532, "gid": 65532, "mtime": 1_800_000_000}),
    ("app/run", None, {"type": tarfile.SYMTYPE, "linkname": "main.py"}),
    ("app/precise", b"x", {"mtime": 1_735_689_600.5}),  # a fractional time goes into a PAX record
]


# both readers give every entry its stamp


def test_a_layer_tar_gives_each_entry_its_mode_owner_time_and_link_target():
    entries = layer_entries(Reader(io.BytesIO(stamped_tar([(p, c, dict(f)) for p, c, f in MEMBERS]))), stamped=True)
    assert [e.stamp for e in entries] == [
        Stamp(mode=0o755, uid=0, gid=0, mtime=1_735_689_600),
        Stamp(mode=0o644, uid=65532, gid=65532, mtime=1_800_000_000),
        Stamp(mode=0o644, uid=0, gid=0, mtime=1_735_689_600, target="main.py"),
        Stamp(mode=0o644, uid=0, gid=0, mtime=1_735_689_600.5),
    ]


def test_tar_split_records_give_the_same_stamps_as_the_tar_they_describe():
    tar = stamped_tar([(p, c, dict(f)) for p, c, f in MEMBERS])
    from_split = entries_from_tar_split(tar_split(tar), stamped=True)
    from_tar = layer_entries(Reader(io.BytesIO(tar)), stamped=True)
    assert [e.stamp for e in from_split] == [e.stamp for e in from_tar]
    assert all(e.stamp is not None for e in from_split)


def test_without_being_asked_neither_reader_stamps_an_entry():
    tar = stamped_tar([(p, c, dict(f)) for p, c, f in MEMBERS])
    assert {e.stamp for e in entries_from_tar_split(tar_split(tar))} == {None}
    assert {e.stamp for e in layer_entries(Reader(io.BytesIO(tar)))} == {None}


# what differs between two copies of a path


def at(path: str, *, size: int = 1, checksum: str = "crc32:1", mtime: float = 0, **stamp) -> Entry:
    fields = {"mode": 0o644, "uid": 0, "gid": 0, "target": ""} | stamp
    return Entry(path=path, size=size, checksum=checksum, stamp=Stamp(mtime=mtime, **fields))


@pytest.mark.parametrize(
    ("second", "aspects"),
    [
        (at("f"), ()),
        (at("f", mtime=5), ("mtime",)),
        (at("f", checksum="crc32:2", mtime=5), ("content", "mtime")),
        (at("f", size=2), ("content",)),
        (at("f", mode=0o755), ("mode",)),
        (at("f", uid=1), ("owner",)),
        (at("f", gid=1), ("owner",)),
        (at("f", target="elsewhere"), ("link",)),
    ],
    ids=["same", "time", "bytes and time", "size", "mode", "uid", "gid", "link target"],
)
def test_each_aspect_of_a_path_is_told_apart(second, aspects):
    assert aspects_of(at("f"), second) == aspects


def test_a_path_only_one_build_wrote_says_which():
    found = layer_differences(2, [at("a"), at("b")], [at("b", mtime=9), at("c")])
    assert found == [
        FileDifference(layer=2, path="a", aspects=("only-first",)),
        FileDifference(layer=2, path="b", aspects=("mtime",)),
        FileDifference(layer=2, path="c", aspects=("only-second",)),
    ]


def test_the_configuration_differs_in_its_own_keys_but_not_in_the_layers_it_lists():
    assert config_difference({"rootfs": 1, "Created": "a"}, {"rootfs": 2, "Created": "a"}) is None
    assert config_difference({"Created": "a", "Config": {}}, {"Created": "b", "Config": {}}) == FileDifference(
        layer=-1, path="config", aspects=("Created",)
    )


# comparing two builds


def compared(first, second, *, ids=("sha256:a", "sha256:b"), configs=({}, {})) -> Rebuild:
    return compare(ids, (first, second), configs, source_date_epoch=SOURCE_DATE_EPOCH)


def test_the_same_image_id_is_reproducible_and_nothing_is_compared():
    record = compared([[at("f")]], [[at("f", mtime=1)]], ids=("sha256:a", "sha256:a"))
    assert record.reproducible
    assert (record.differing, record.differences, dict(record.by_aspect)) == (0, (), {})


def test_builds_that_differ_only_in_time_are_counted_so():
    record = compared([[at("a"), at("b")], [at("c")]], [[at("a", mtime=1), at("b")], [at("c", mtime=1)]])
    assert not record.reproducible
    assert record.only_times
    assert (record.differing, dict(record.by_aspect)) == (2, {"mtime": 2})
    assert [d.layer for d in record.differences] == [0, 1]


def test_content_differences_come_first_and_a_configuration_difference_before_them():
    first = [[at("a"), at("z")]]
    second = [[at("a", mtime=1), at("z", checksum="crc32:9")]]
    record = compared(first, second, configs=({"Created": "1"}, {"Created": "2"}))
    assert [d.path for d in record.differences] == ["config", "z", "a"]
    assert dict(record.by_aspect) == {"config": 1, "content": 1, "mtime": 1}
    assert not record.only_times


def test_a_layer_only_one_build_has_counts_every_path_in_it():
    record = compared([[at("a")]], [[at("a")], [at("extra"), at("more")]])
    assert dict(record.by_aspect) == {"only-second": 2}


def test_only_the_first_differences_are_kept_by_name_but_all_are_counted():
    many = DIFFERENCES_KEPT + 5
    record = compared([[at(f"f{i:03}") for i in range(many)]], [[at(f"f{i:03}", mtime=1) for i in range(many)]])
    assert record.differing == many
    assert len(record.differences) == DIFFERENCES_KEPT


# the claim


def image(rebuild: Rebuild | None) -> dict[str, Measured]:
    return {"after": Measured(image_id="sha256:a", size_bytes=1, layer_count=1, rebuild=rebuild)}


SAME = Rebuild(source_date_epoch=1, image_ids=("sha256:" + "a" * 64,) * 2)
TIMES = Rebuild(
    source_date_epoch=1,
    image_ids=("sha256:a", "sha256:b"),
    differing=3,
    by_aspect={"mtime": 3},
)
BYTES = Rebuild(
    source_date_epoch=1,
    image_ids=("sha256:a", "sha256:b"),
    differing=4,
    by_aspect={"content": 1, "mtime": 4},
)


@pytest.mark.parametrize(
    ("allow", "rebuild", "passed", "measured"),
    [
        ((), SAME, True, "the same image id from both builds (sha256:aaaaaaaaaaaa)"),
        ((), TIMES, False, "two image ids; paths differing: 3 in mtime"),
        (("mtime",), TIMES, True, "two image ids; paths differing: 3 in mtime"),
        (("mtime",), BYTES, False, "two image ids; paths differing: 1 in content, 4 in mtime"),
        (("mtime",), SAME, True, "the same image id from both builds (sha256:aaaaaaaaaaaa)"),
        ((), None, False, "rebuilds not measured"),
    ],
    ids=["same id", "times differ", "times allowed", "bytes differ too", "allowing is not asking", "not measured"],
)
def test_a_reproducible_claim_holds_on_the_same_id_or_on_the_allowed_differences_only(allow, rebuild, passed, measured):
    verdict = Reproducible(variant="after", allow=allow).evaluate(image(rebuild))
    assert (verdict.passed, str(verdict.measured)) == (passed, measured)
    assert str(verdict.expected).startswith("the same image id from both builds")
    assert ("mtime only" in str(verdict.expected)) == bool(allow)


def test_a_claim_allowing_an_aspect_that_does_not_exist_is_a_problem():
    assert [p.key for p in Reproducible(variant="after", allow=("mtimes",)).problems()] == ["allow"]
    assert Reproducible(variant="after", allow=("mtime", "content")).problems() == []


# results.json


def test_a_rebuild_is_recorded_and_read_back_whole():
    rebuild = Rebuild(
        source_date_epoch=SOURCE_DATE_EPOCH,
        image_ids=("sha256:a", "sha256:b"),
        differing=2,
        by_aspect={"content": 1, "mtime": 2},
        differences=(
            FileDifference(layer=3, path="usr/lib/x.pyc", aspects=("content", "mtime")),
            FileDifference(layer=3, path="app", aspects=("mtime",)),
        ),
    )
    results = Results(
        lab="lab-9-demo",
        title="t",
        inputs_sha256="0",
        measured_at="2026-12-01T00:00:00+00:00",
        engine={},
        bases=(),
        variants=image(rebuild),
        claims=(),
    )
    data = to_dict(results)
    assert data["variants"]["after"]["rebuild"]["reproducible"] is False
    assert from_dict(data).variants["after"].rebuild == rebuild


def test_a_variant_without_rebuilds_records_no_rebuild_key():
    results = Results(
        lab="l", title="t", inputs_sha256="0", measured_at="x", engine={}, bases=(), variants=image(None), claims=()
    )
    assert "rebuild" not in to_dict(results)["variants"]["after"]


# the build a rebuild runs


def request(**fields) -> BuildRequest:
    """lab 9's after, with ``fields`` changed."""
    plain = BuildRequest(
        dockerfile=Path("lab/after.Dockerfile"), context=Path("lab"), tag="slimlab/l:after", labels={}, contexts={}
    )
    return dataclasses.replace(plain, **fields)


def test_every_lab_build_is_given_the_same_source_date_epoch():
    built = with_epoch(request())
    assert built.build_args == {"SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)}
    assert command_of(built, Path("/tmp/iid")).count(f"SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}") == 1


def test_a_rebuild_runs_every_step_again_and_loads_into_the_engine_without_rewriting_file_times():
    command = command_of(request(no_cache=True), Path("/tmp/iid"))
    assert "--no-cache" in command
    assert "--load" in command
    assert not any("rewrite-timestamp" in part for part in command)


def test_a_rebuild_is_tagged_beside_its_variant_in_this_checkout_s_namespace_and_only_that_tag_is_removed(
    monkeypatch,
):
    lab = load(Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage")
    variant = lab.variant("after")
    built: list[str] = []
    removed: list[str] = []
    monkeypatch.setattr(rebuild.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(
        rebuild.docker, "build", lambda request, echo: built.append(request.tag) or Built(image_id="sha256:own")
    )
    monkeypatch.setattr(rebuild.images, "remove_images", lambda refs: removed.extend(refs) or [])
    monkeypatch.setattr(rebuild, "read_image", lambda image_id, stamped: SimpleNamespace(layers=()))
    monkeypatch.setattr(rebuild, "_config_of", lambda image_id: {})
    own = request(tag=image_tag(lab, variant), labels=image_labels(lab, variant))
    assert rebuild.rebuild(own, "sha256:own", what="w", echo=lambda line: None).reproducible
    assert built == removed == [f"{HERE.tag(lab.name, 'after')}-rebuild"]
    assert HERE.owns(removed[0])


# what the guide says of the labs' rebuilds


def test_of_the_rebuilt_variants_only_lab_4_s_use_a_cache_mount_as_the_guide_says():
    """docs/reproducible.rst: cache mounts outlive --no-cache; of the variants rebuilt here, only lab 4's use one."""
    root = Path(__file__).resolve().parent.parent
    mounting = {
        (folder.name, name)
        for folder in sorted((root / "labs").glob("lab-*"))
        for name in load(folder).rebuilt()
        if "--mount=type=cache" in (folder / load(folder).variant(name).dockerfile).read_text()
    }
    assert mounting == {("lab-4-go-multistage", "after"), ("lab-4-go-multistage", "reproducible")}
