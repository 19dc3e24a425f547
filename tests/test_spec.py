"""Reading ``lab.toml``: good specs become frozen dataclasses, bad ones a UsageError that says where and what."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from checks.model.claims import KINDS
from checks.model.claims.contents import BuildStages, NonRoot, PathAbsent
from checks.model.claims.rebuild import Reproducible
from checks.model.claims.sizes import MaxLayers, SizeRatio
from checks.model.claims.smoke import SameSmokeOutput
from checks.model.errors import UsageError
from checks.model.measured import Facet
from checks.model.spec import Claim, Lab, Smoke, Variant, load, parse

LAB4 = Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage"
SOURCE = "labs/lab-9-demo/lab.toml"

GOOD = {
    "lab": {"title": "A demo lab", "page": "demo"},
    "smoke": {"args": ["-selfcheck"], "expect": "ok", "timeout": 5},
    "variants": {
        "before": {"description": "the big one"},
        "after": {"dockerfile": "slim.Dockerfile", "context": "app", "target": "final", "smoke": {"expect": "fine"}},
        "broken": {"smoke": False},
    },
    "claims": [
        {"id": "L9.1", "kind": "size_ratio", "text": " After is small. ", "variant": "after", "of": "before", "max": 1},
        {"id": "L9.2", "kind": "same_smoke_output", "text": "Same answer.", "variants": ["before", "after"]},
        {"id": "L9.3", "kind": "path_absent", "text": "No sources.", "variant": "after", "paths": ["src", "*/bin/go"]},
    ],
}


def parsed(data) -> Lab:
    return parse(data, name="lab-9-demo", source=SOURCE)


def changed(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_a_good_spec_becomes_frozen_dataclasses():
    inherited = Smoke(args=("-selfcheck",), expect="ok", timeout=5.0)
    assert parsed(GOOD) == Lab(
        name="lab-9-demo",
        title="A demo lab",
        page="demo",
        variants=(
            Variant(name="before", dockerfile="before.Dockerfile", description="the big one", smoke=inherited),
            Variant(
                name="after",
                dockerfile="slim.Dockerfile",
                context="app",
                target="final",
                smoke=Smoke(args=("-selfcheck",), expect="fine", timeout=5.0),
            ),
            Variant(name="broken", dockerfile="broken.Dockerfile", smoke=None),
        ),
        claims=(
            Claim(id="L9.1", text="After is small.", check=SizeRatio(variant="after", of="before", max=1.0)),
            Claim(id="L9.2", text="Same answer.", check=SameSmokeOutput(variants_=("before", "after"))),
            Claim(id="L9.3", text="No sources.", check=PathAbsent(variant="after", paths=("src", "*/bin/go"))),
        ),
    )


def test_whole_numbers_become_floats_where_the_kind_wants_a_number():
    bound = parsed(GOOD).claims[0].check.max  # type: ignore[attr-defined]
    assert isinstance(bound, float)


def test_a_claim_hint_is_read_and_stripped_and_defaults_to_empty():
    data = changed(lambda d: d["claims"][0].update(hint="  Run make lab-9 and compare.\n"))
    claims = parsed(data).claims
    assert (claims[0].hint, claims[1].hint) == ("Run make lab-9 and compare.", "")


def test_an_exercise_task_is_read_as_one_line_and_defaults_to_empty():
    data = changed(lambda d: d["lab"].update(exercise="  Make it small,\n  and keep it working.\n"))
    assert (parsed(data).exercise, parsed(GOOD).exercise) == ("Make it small, and keep it working.", "")


def test_a_variant_without_a_smoke_table_has_no_smoke_test_when_the_lab_has_none():
    data = changed(lambda d: d.pop("smoke"))
    assert parsed(data).variant("before").smoke is None


def test_the_real_lab_4_spec_loads_claim_by_claim():
    raw = tomllib.loads((LAB4 / "lab.toml").read_text(encoding="utf-8"))
    lab = load(LAB4)
    assert lab.name == LAB4.name
    assert (lab.title, lab.page) == (raw["lab"]["title"], raw["lab"]["page"])
    assert [v.name for v in lab.variants] == list(raw["variants"])
    smoke = raw["smoke"]
    lab_smoke = Smoke(args=tuple(smoke["args"]), expect=smoke["expect"], timeout=float(smoke["timeout"]))
    for variant in lab.variants:
        assert (LAB4 / variant.dockerfile).is_file()
        if "smoke" not in raw["variants"][variant.name]:
            assert variant.smoke == lab_smoke
    expected = [(c["id"], c["kind"], c["text"].strip()) for c in raw["claims"]]
    assert [(c.id, c.check.kind, c.text) for c in lab.claims] == expected
    checks = {c.id: c.check for c in lab.claims}
    assert checks["L4.1"] == SizeRatio(variant="after", of="before", max=0.02)
    assert checks["L4.3"] == SameSmokeOutput(
        variants_=("before", "after", "distroless", "reproducible", "note-alpine", "stages")
    )
    assert checks["L4.4"] == NonRoot(variant="after")
    assert checks["L4.6"] == MaxLayers(variant="after", max=2)
    assert checks["L4.12"] == Reproducible(variant="reproducible")
    assert checks["L4.15"] == BuildStages(variant="stages", built=("base", "build"), skipped=("test",))
    assert (lab.variant("stages-test").target, lab.variant("stages-test").smoke) == ("test", None)
    assert lab.rebuilt() == ("after", "reproducible")


#: One more example per kind: (claim keys, attributes the parsed check must have).
KIND_EXAMPLES = {
    "max_size": ({"kind": "max_size", "variant": "after", "max_mb": 12}, {"max_mb": 12.0}),
    "max_layers": ({"kind": "max_layers", "variant": "after", "max": 3}, {"max": 3}),
    "size_ratio-min": (
        {"kind": "size_ratio", "variant": "after", "of": "before", "min": 0.5},
        {"min": 0.5, "max": None},
    ),
    "size_difference": (
        {"kind": "size_difference", "variant": "after", "of": "before", "min_mb": -2, "max_mb": 1},
        {"min_mb": -2.0, "max_mb": 1.0},
    ),
    "path_present": ({"kind": "path_present", "variant": "after", "paths": ["etc/passwd"]}, {"paths": ("etc/passwd",)}),
    "non_root": ({"kind": "non_root", "variant": "after"}, {"variant": "after"}),
    "smoke_passes": ({"kind": "smoke_passes", "variant": "after"}, {"variant": "after"}),
    "smoke_fails": ({"kind": "smoke_fails", "variant": "broken"}, {"variant": "broken", "expect": ""}),
    "smoke_fails-expect": (
        {"kind": "smoke_fails", "variant": "broken", "expect": "No module named 'xml'"},
        {"expect": "No module named 'xml'"},
    ),
    "max_compressed_size": ({"kind": "max_compressed_size", "variant": "after", "max_mb": 30}, {"max_mb": 30.0}),
    "compression_ratio": (
        {"kind": "compression_ratio", "variant": "before", "max": 0.9},
        {"variant": "before", "compression": "zstd-3", "max": 0.9, "min": None},
    ),
    "pull_speedup": (
        {"kind": "pull_speedup", "variant": "after", "of": "before", "min": 4},
        {"variant": "after", "of": "before", "min": 4.0},
    ),
    "reproducible": ({"kind": "reproducible", "variant": "after"}, {"variant": "after", "allow": ()}),
    "reproducible-allow": (
        {"kind": "reproducible", "variant": "after", "allow": ["mtime"]},
        {"allow": ("mtime",)},
    ),
}


def example_value(key):
    """A value of the key's type that passes its kind's rules: variants the GOOD lab declares, small numbers."""
    if key.type.reads == (list,):
        # A list of words from a fixed set (reproducible's allow) holds one of them; two lists of one kind
        # must not overlap (build_stages' built and skipped), so each holds its own name.
        return ["before", "after"] if key.variants else (["mtime"] if key.name == "allow" else [key.name])
    if key.type.reads == (str,):
        # A word with a default may be one of a few (new_bytes_ratio's against): its default is one. The
        # variant a node holds (shared_pull_ratio's held) must be another than the one it pulls.
        if key.variants:
            return "before" if key.name == "held" else "after"
        return key.default if isinstance(key.default, str) else "x"
    return 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_claim_kind_reads_each_key_it_declares(kind):
    keys = KINDS[kind].toml_keys()
    table = {k.name: example_value(k) for k in keys}

    def edit(data: dict) -> None:
        data.update(claims=[{"id": "L9.1", "kind": kind, "text": "x", **table}])
        if KINDS[kind].reads(Facet.RELEASES):  # an update claim needs releases, which need a script to make them
            data["lab"].update(releases=2, prepare="make-release.sh")

    check = parsed(changed(edit)).claims[0].check
    assert {k.name: getattr(check, k.field) for k in keys} == {
        name: tuple(value) if isinstance(value, list) else value for name, value in table.items()
    }


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_claim_kind_names_a_required_key_that_is_left_out(kind):
    required = [k for k in KINDS[kind].toml_keys() if k.required]
    table = {k.name: example_value(k) for k in required[1:]}
    with pytest.raises(UsageError, match=rf"missing key 'claims\[0\]\.{required[0].name}'"):
        parsed(changed(lambda d: d.update(claims=[{"id": "L9.1", "kind": kind, "text": "x", **table}])))


@pytest.mark.parametrize(("claim", "expected"), KIND_EXAMPLES.values(), ids=KIND_EXAMPLES.keys())
def test_each_kind_reads_its_own_keys(claim, expected):
    data = changed(lambda d: d.update(claims=[{"id": "L9.1", "text": "x", **claim}]))
    check = parsed(data).claims[0].check
    assert {key: getattr(check, key) for key in expected} == expected


# Bad specs: (change, fragments the message must hold besides the file name)
BAD = {
    "unknown top-level key": (
        lambda d: d.update(extra=1),
        ["unknown key 'extra'", "Allowed: claims, lab, smoke, variants"],
    ),
    "exercise task that is not a string": (
        lambda d: d["lab"].update(exercise=["Make it small."]),
        ["'lab.exercise' must be a string"],
    ),
    "misspelled lab key": (lambda d: d["lab"].update(titel="x"), ["unknown key 'lab.titel'", "Did you mean 'title'?"]),
    "misspelled variant key": (
        lambda d: d["variants"]["after"].update(dockerfle="x"),
        ["unknown key 'variants.after.dockerfle'", "Did you mean 'dockerfile'?"],
    ),
    "misspelled smoke key": (
        lambda d: d["smoke"].update(expct="x"),
        ["unknown key 'smoke.expct'", "Did you mean 'expect'?"],
    ),
    "misspelled claim kind": (
        lambda d: d["claims"][0].update(kind="size_ration"),
        ["'claims[0] (L9.1).kind' is 'size_ration'", "Did you mean 'size_ratio'?"],
    ),
    "unrelated claim kind": (
        lambda d: d["claims"][0].update(kind="zzz"),
        ["'claims[0] (L9.1).kind' is 'zzz'", "Allowed: build_stages, compression_ratio, max_compressed_size"],
    ),
    "misspelled claim key": (
        lambda d: d["claims"][0].update(maxx=1),
        ["unknown key 'claims[0].maxx'", "Did you mean 'max'?"],
    ),
    "key of another kind": (lambda d: d["claims"][1].update(of="before"), ["unknown key 'claims[1].of'"]),
    "string for a number": (lambda d: d["claims"][0].update(max="big"), ["'claims[0].max' must be", "not 'big'"]),
    "boolean for a number": (lambda d: d["claims"][0].update(max=True), ["'claims[0].max' must be", "not True"]),
    "number for a string": (lambda d: d["claims"][0].update(text=3), ["'claims[0].text' must be a string, not 3"]),
    "string for a list": (
        lambda d: d["claims"][2].update(paths="src"),
        ["'claims[2].paths' must be a list of strings"],
    ),
    "non-string in a list": (
        lambda d: d["claims"][2].update(paths=["src", 1]),
        ["'claims[2].paths' must be a list of strings"],
    ),
    "table for a string": (lambda d: d["lab"].update(title={}), ["'lab.title' must be a string"]),
    "variant that is not a table": (lambda d: d["variants"].update(after="x"), ["'variants.after' must be a table"]),
    "missing title": (lambda d: d["lab"].pop("title"), ["missing key 'lab.title'"]),
    "missing lab table": (lambda d: d.pop("lab"), ["missing key 'lab'"]),
    "missing claim kind": (lambda d: d["claims"][0].pop("kind"), ["missing key 'claims[0].kind'"]),
    "missing claim key": (lambda d: d["claims"][0].pop("of"), ["missing key 'claims[0].of'"]),
    "missing before variant": (lambda d: d["variants"].pop("before"), ["'variants.before' is missing"]),
    "missing after variant": (lambda d: d["variants"].pop("after"), ["'variants.after' is missing"]),
    "undeclared variant": (
        lambda d: d["claims"][0].update(variant="aftre"),
        ["'claims[0] (L9.1)' names variant 'aftre'", "Did you mean 'after'?"],
    ),
    "undeclared variant in a list": (
        lambda d: d["claims"][1].update(variants=["before", "distroles"]),
        ["'claims[1] (L9.2)' names variant 'distroles'"],
    ),
    "duplicate claim id": (lambda d: d["claims"][1].update(id="L9.1"), ["claim id 'L9.1' is used twice"]),
    "claim id without L": (lambda d: d["claims"][0].update(id="9.1"), ["'claims[0].id' is '9.1'", "look like 'L4.1'"]),
    "claim id with a letter": (lambda d: d["claims"][0].update(id="L9.a"), ["'claims[0].id' is 'L9.a'"]),
    "same_smoke_output with one variant": (
        lambda d: d["claims"][1].update(variants=["before"]),
        ["'claims[1] (L9.2).variants' must name at least two variants"],
    ),
    "negative bound": (lambda d: d["claims"][0].update(max=-0.5), ["'claims[0] (L9.1).max' must not be negative"]),
    "size_ratio without a bound": (lambda d: d["claims"][0].pop("max"), ["'claims[0] (L9.1)' sets no bound (max/min)"]),
    "size_difference without a bound": (
        lambda d: d["claims"].__setitem__(
            0, {"id": "L9.1", "kind": "size_difference", "text": "x", "variant": "after", "of": "before"}
        ),
        ["'claims[0] (L9.1)' sets no bound (min_mb/max_mb), so it could never fail"],
    ),
    "reproducible allowing an aspect that does not exist": (
        lambda d: d["claims"].__setitem__(
            0, {"id": "L9.1", "kind": "reproducible", "text": "x", "variant": "after", "allow": ["mtimes"]}
        ),
        ["'claims[0] (L9.1).allow' names mtimes; use some of content, type, mode, owner, link, mtime"],
    ),
    "empty paths": (
        lambda d: d["claims"][2].update(paths=[]),
        ["'claims[2] (L9.3).paths' is empty, so it could never fail"],
    ),
    "zero smoke timeout": (lambda d: d["smoke"].update(timeout=0), ["'smoke.timeout' must be more than 0 seconds"]),
    "negative variant timeout": (
        lambda d: d["variants"]["after"]["smoke"].update(timeout=-1),
        ["'variants.after.smoke.timeout' must be more than 0"],
    ),
    "upper-case variant name": (lambda d: d["variants"].update(Slim={}), ["variant name 'Slim' must be lower-case"]),
    "hint that is not a string": (lambda d: d["claims"][0].update(hint=["a"]), ["'claims[0].hint' must be a string"]),
    "prepare that is not a string": (lambda d: d["lab"].update(prepare=1), ["'lab.prepare' must be a string"]),
    "no claims": (lambda d: d.update(claims=[]), ["'claims' must be a non-empty array of tables"]),
    "claims as a table": (lambda d: d.update(claims={"id": "L9.1"}), ["'claims' must be a non-empty array of tables"]),
}


@pytest.mark.parametrize(("change", "fragments"), BAD.values(), ids=BAD.keys())
def test_a_bad_spec_raises_a_usage_error_naming_the_file_and_the_key(change, fragments):
    with pytest.raises(UsageError) as caught:
        parsed(changed(change))
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: ")
    for fragment in fragments:
        assert fragment in message
    assert message.endswith("Fix the lab spec and run the command again.")


def test_a_claim_id_with_a_trailing_newline_is_rejected():
    with pytest.raises(UsageError, match="claims"):
        parsed(changed(lambda d: d["claims"][0].update(id="L9.1\n")))


@pytest.mark.parametrize("kind", ["path_absent", "path_present"])
def test_a_path_claim_with_no_paths_is_rejected(kind):
    with pytest.raises(UsageError, match="paths"):
        parsed(changed(lambda d: d["claims"][2].update(kind=kind, paths=[])))


# load(): the file itself


def write_lab(folder: Path, text: str, files=("before.Dockerfile", "after.Dockerfile")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lab.toml").write_text(text, encoding="utf-8")
    for name in files:
        (folder / name).write_text("FROM scratch\n", encoding="utf-8")
    return folder


MINIMAL = """
[lab]
title = "t"
page = "p"

[variants.before]
[variants.after]

[[claims]]
id = "L9.1"
kind = "max_layers"
text = "Few layers."
variant = "after"
max = 2
"""


def test_load_reads_a_minimal_lab_folder(tmp_path):
    lab = load(write_lab(tmp_path / "lab-9-demo", MINIMAL))
    assert lab.name == "lab-9-demo"
    assert lab.claims == (Claim(id="L9.1", text="Few layers.", check=MaxLayers(variant="after", max=2)),)


def test_load_names_the_folder_when_lab_toml_is_missing(tmp_path):
    with pytest.raises(UsageError, match=r"no lab\.toml here") as caught:
        load(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}: ")


def test_load_reports_bad_toml_syntax_with_the_file_name(tmp_path):
    folder = write_lab(tmp_path / "lab-9-demo", MINIMAL + "\n[lab\n")
    with pytest.raises(UsageError, match="not valid TOML") as caught:
        load(folder)
    assert str(caught.value).startswith(f"{folder / 'lab.toml'}: ")


def test_load_reports_spec_errors_with_the_path_of_the_file(tmp_path):
    folder = write_lab(tmp_path / "lab-9-demo", MINIMAL.replace('kind = "max_layers"', 'kind = "max_layer"'))
    with pytest.raises(UsageError, match="Did you mean 'max_layers'") as caught:
        load(folder)
    assert str(caught.value).startswith(f"{folder / 'lab.toml'}: ")


def test_load_rejects_a_variant_whose_build_file_does_not_exist(tmp_path):
    folder = write_lab(tmp_path / "lab-9-demo", MINIMAL, files=("before.Dockerfile",))
    with pytest.raises(UsageError) as caught:
        load(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'lab.toml'}: ")
    assert "'variants.after.dockerfile' names 'after.Dockerfile', which does not exist" in message


def test_load_rejects_a_build_context_that_does_not_exist(tmp_path):
    spec = MINIMAL.replace("[variants.after]", '[variants.after]\ncontext = "app"')
    folder = write_lab(tmp_path / "lab-9-demo", spec)
    with pytest.raises(UsageError, match=r"'variants\.after\.context' names 'app', which does not exist"):
        load(folder)


def test_load_rejects_a_dockerfile_that_is_a_folder_and_says_to_name_the_file(tmp_path):
    folder = write_lab(
        tmp_path / "lab-9-demo", MINIMAL.replace("[variants.after]", '[variants.after]\ndockerfile = "app"')
    )
    (folder / "app").mkdir()
    with pytest.raises(UsageError) as caught:
        load(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'lab.toml'}: 'variants.after.dockerfile' names 'app', which is a folder")
    assert "name the file itself, e.g. 'app/Dockerfile'" in message


def test_load_rejects_a_build_context_that_is_a_file(tmp_path):
    folder = write_lab(
        tmp_path / "lab-9-demo", MINIMAL.replace("[variants.after]", '[variants.after]\ncontext = "after.Dockerfile"')
    )
    with pytest.raises(UsageError, match=r"'variants\.after\.context' names 'after\.Dockerfile', which is a file"):
        load(folder)


def test_load_accepts_a_prepare_script_that_exists(tmp_path):
    folder = write_lab(tmp_path / "lab-9-demo", MINIMAL.replace('page = "p"', 'page = "p"\nprepare = "prepare.sh"'))
    (folder / "prepare.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    assert load(folder).prepare == "prepare.sh"


def test_load_rejects_a_prepare_script_that_does_not_exist(tmp_path):
    folder = write_lab(tmp_path / "lab-9-demo", MINIMAL.replace('page = "p"', 'page = "p"\nprepare = "prepare.sh"'))
    with pytest.raises(UsageError, match=r"'lab\.prepare' names 'prepare\.sh', which does not exist") as caught:
        load(folder)
    assert str(caught.value).startswith(f"{folder / 'lab.toml'}: ")


def test_a_variant_s_secrets_are_read_as_id_and_file_pairs():
    lab = parsed(changed(lambda d: d["variants"]["after"].update(secrets={"api-token": "fake-token"})))
    assert lab.variant("after").secrets == (("api-token", "fake-token"),)
    assert lab.variant("before").secrets == ()


@pytest.mark.parametrize(
    ("secrets", "fragment"),
    [
        ({"api token": "f"}, "a secret id is letters, digits"),
        ({"api-token": 3}, "'variants.after.secrets.api-token' must be a string"),
        ({"api-token": ""}, "must name a file of the lab folder"),
        ("fake-token", "'variants.after.secrets' must be a table"),
    ],
)
def test_a_bad_secrets_table_is_named_in_the_error(secrets, fragment):
    with pytest.raises(UsageError, match=fragment.replace(".", r"\.")):
        parsed(changed(lambda d: d["variants"]["after"].update(secrets=secrets)))


def test_load_rejects_a_secret_file_that_does_not_exist(tmp_path):
    spec = MINIMAL.replace("[variants.after]", '[variants.after]\nsecrets = { api-token = "token" }')
    folder = write_lab(tmp_path / "lab-9-demo", spec)
    with pytest.raises(UsageError, match=r"'variants\.after\.secrets\.api-token' names 'token', which does not exist"):
        load(folder)
    (folder / "token").write_text("fake\n")
    assert load(folder).variant("after").secrets == (("api-token", "token"),)


def test_a_lab_names_the_image_stores_it_is_verified_on_and_by_default_none_besides_the_main_engine_s():
    assert parsed(GOOD).stores == ()
    assert parsed(changed(lambda d: d["lab"].update(stores=["classic", "containerd"]))).stores == (
        "classic",
        "containerd",
    )


@pytest.mark.parametrize(
    ("stores", "fragment"),
    [
        (["overlay2"], "'lab.stores' names 'overlay2'; Docker's image stores are classic and containerd"),
        (["containerd", "containerd"], "names a store twice"),
        ("containerd", "'lab.stores' must be"),
    ],
)
def test_a_store_that_is_none_of_docker_s_two_or_named_twice_is_rejected(stores, fragment):
    with pytest.raises(UsageError, match=re.escape(fragment)):
        parsed(changed(lambda d: d["lab"].update(stores=stores)))
