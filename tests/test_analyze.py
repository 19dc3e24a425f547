"""checks.inspect.analyze: the analysis of layers already read, its JSON form, its report, what results.json keeps."""

from __future__ import annotations

import json

from checks.inspect.analyze import (
    analysis_of,
    instruction,
    instructions,
    render,
    summary,
    summary_lines,
    to_dict,
)
from checks.inspect.archive import ImageContents
from checks.inspect.layers import DIRECTORY, Entry
from checks.model.measured import Measured
from checks.model.results import Results
from checks.model.resultsjson import dumps, from_dict


def f(path: str, size: int = 0) -> Entry:
    return Entry(path=path, size=size)


def d(path: str) -> Entry:
    return Entry(path=path, size=0, type=DIRECTORY)


HISTORY = (
    {"created_by": "ADD rootfs.tar / # buildkit"},
    {"created_by": "ENV PATH=/usr/local/go/bin", "empty_layer": True},
    {"created_by": "RUN /bin/sh -c apt-get install gcc # buildkit"},
    {"created_by": "RUN /bin/sh -c rm -rf /var/lib/apt/lists # buildkit"},
    {"created_by": 'CMD ["greeter"]', "empty_layer": True},
)
LAYERS = (
    (d("usr"), d("usr/bin"), f("usr/bin/bash", 1_000_000), f("greeter", 5_000_000)),
    (
        d("usr"),
        d("usr/libexec"),
        d("usr/libexec/gcc"),
        f("usr/libexec/gcc/cc1", 40_000_000),
        d("var"),
        d("var/lib"),
        d("var/lib/apt"),
        d("var/lib/apt/lists"),
        f("var/lib/apt/lists/InRelease", 300_000),
    ),
    (d("var/lib/apt"), f("var/lib/apt/.wh.lists"), d("usr/bin"), f("usr/bin/bash", 1_000_000)),
)


def contents(**changes) -> ImageContents:
    fields = {
        "ref": "demo:1",
        "image_id": "sha256:abc",
        "size_bytes": 47_300_000,
        "history": HISTORY,
        "layers": LAYERS,
        "source": "storage",
    }
    return ImageContents(**{**fields, **changes})


def test_each_layer_gets_the_instruction_that_made_it_skipping_empty_history_steps():
    result = analysis_of(contents())
    assert [instruction(layer.created_by) for layer in result.layers] == [
        "ADD rootfs.tar /",
        "RUN apt-get install gcc",
        "RUN rm -rf /var/lib/apt/lists",
    ]


def test_layers_without_history_are_marked_missing_as_dive_does():
    assert instructions([{"created_by": "A"}], 3) == ["A", "(missing)", "(missing)"]


def test_each_layer_reports_its_size_and_the_directories_it_added_most_to():
    first, second, third = analysis_of(contents()).layers
    assert first.size_bytes == 6_000_000
    assert first.top_dirs == (("", 5_000_000), ("usr/bin", 1_000_000))
    assert second.top_dirs[0] == ("usr/libexec/gcc", 40_000_000)
    assert third.size_bytes == 1_000_000


def test_the_analysis_has_dive_s_numbers_and_the_removable_classes():
    result = analysis_of(contents())
    assert result.wasted_bytes == 2_000_000  # bash twice; the apt lists, deleted as a directory, are not waste for dive
    ids = {c.id: c.size_bytes for c in result.classes}
    assert ids == {"build-toolchain": 40_000_000, "deleted-later": 1_300_000}
    assert result.removable_bytes == 41_300_000
    assert set(result.files) == {"usr/bin/bash", "greeter", "usr/libexec/gcc/cc1"}


def test_the_json_form_has_the_promised_keys_and_classes_link_to_the_guide():
    data = json.loads(json.dumps(to_dict(analysis_of(contents()))))
    assert {"size_bytes", "layers", "wasted_bytes", "efficiency", "classes"} <= set(data)
    assert data["size_bytes"] == 47_300_000
    assert len(data["layers"]) == 3
    toolchain = data["classes"]["build-toolchain"]
    assert toolchain["size_bytes"] == 40_000_000
    assert toolchain["url"].endswith("multi-stage.html#build-toolchain")
    assert toolchain["top"] == [{"path": "usr/libexec/gcc", "size_bytes": 40_000_000}]
    assert "files" not in data


def test_the_report_names_the_toolchain_its_bytes_and_where_to_learn_to_remove_it():
    text = render(analysis_of(contents()))
    assert "Compilers and build tools" in text
    assert "(1 file)" in text
    assert "/usr/libexec/gcc 40.0 MB" in text
    assert "multi-stage.html#build-toolchain" in text
    assert "read from the engine's storage" in text


def test_history_entries_read_as_the_dockerfile_lines_that_made_them():
    assert instruction("RUN /bin/sh -c go build -o x . # buildkit") == "RUN go build -o x ."
    assert instruction('/bin/sh -c #(nop)  CMD ["bash"]') == 'CMD ["bash"]'
    assert instruction("/bin/sh -c apt-get update") == "RUN apt-get update"
    assert instruction("RUN |2 A=1 B=2 /bin/sh -c make # buildkit") == "RUN make"


def results_with(analysis) -> Results:
    return Results(
        lab="lab-9",
        title="t",
        inputs_sha256="x",
        measured_at="now",
        engine={},
        bases=(),
        variants={"before": Measured(image_id="i", size_bytes=1, layer_count=1)},
        claims=(),
        analysis=analysis,
    )


def test_results_json_records_each_variant_s_analysis_summary_and_reads_it_back():
    recorded = summary(analysis_of(contents()))
    text = dumps(results_with({"before": recorded}))
    data = json.loads(text)
    tree = data["variants"]["before"]["analysis"].pop("tree")
    assert data["variants"]["before"]["analysis"] == {
        "wasted_bytes": 2_000_000,
        "efficiency": round(recorded.efficiency, 6),
        "reclaimable_bytes": 1_300_000,
        "classes": {"build-toolchain": 40_000_000, "deleted-later": 1_300_000},
    }
    assert tree[0].startswith("46000000 1300000 ")  # the root's bytes seen and hidden
    assert list(data["variants"]["before"])[:5] == ["image_id", "size_bytes", "layer_count", "user", "layers"]
    assert from_dict(json.loads(text)).analysis["before"].tree == recorded.tree


def test_a_summary_recorded_before_the_tree_existed_reads_back_without_one_and_is_written_as_it_was():
    data = json.loads(dumps(results_with({"before": summary(analysis_of(contents()))})))
    del data["variants"]["before"]["analysis"]["tree"]
    old = from_dict(data)
    assert old.analysis["before"].tree is None
    assert "tree" not in json.loads(dumps(old))["variants"]["before"]["analysis"]


def test_results_without_an_analysis_keep_their_old_form():
    data = json.loads(dumps(results_with({})))
    assert "analysis" not in data["variants"]["before"]
    assert from_dict(data).analysis == {}


def test_a_summary_recorded_before_reclaimable_bytes_existed_reads_back_and_is_written_as_it_was():
    data = json.loads(dumps(results_with({"before": summary(analysis_of(contents()))})))
    del data["variants"]["before"]["analysis"]["reclaimable_bytes"]
    old = from_dict(data)
    assert old.analysis["before"].reclaimable_bytes is None
    assert "reclaimable_bytes" not in json.loads(dumps(old))["variants"]["before"]["analysis"]
    (line,) = summary_lines(old.analysis)
    assert "reclaimable" not in line


def test_the_report_and_the_json_give_dive_s_wasted_bytes_and_the_reclaimable_bytes_side_by_side():
    result = analysis_of(contents())
    assert (result.wasted_bytes, result.reclaimable_bytes) == (2_000_000, 1_300_000)
    assert to_dict(result)["reclaimable_bytes"] == 1_300_000
    assert "reclaimable: 1.3 MB" in render(result)
    assert "wasted 2.0 MB" in render(result)


def test_the_verify_report_gives_one_line_per_variant():
    (line,) = summary_lines({"before": summary(analysis_of(contents()))})
    assert line.startswith("  before: wasted 2.0 MB")
    assert "build-toolchain 40.0 MB" in line


def test_a_class_under_a_kilobyte_is_counted_in_the_total_but_not_listed_in_the_report():
    tiny = (*LAYERS, (Entry(path="usr/share/doc/x/README", size=10),))
    result = analysis_of(contents(layers=tiny, history=(*HISTORY, {"created_by": "COPY README"})))
    assert "docs-man" in {c.id for c in result.classes}
    text = render(result)
    assert "Documentation" not in text
    assert "1 more under 1 kB" in text
