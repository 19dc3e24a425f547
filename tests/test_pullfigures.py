"""checks.engine.pullfigures: what the pushes and timed pulls add up to for each variant, on plain values."""

from __future__ import annotations

from checks.engine.pullfigures import Timed, matrix_row, shared_figures, update_figures
from checks.model.measured import Compressed

#: What the registry stored for each tag: layer digests and sizes, lowest first.
PUSHED = {
    "before": (("sha256:base", "sha256:app1"), (100, 40)),
    "after": (("sha256:base", "sha256:app2"), (100, 10)),
    "after-release-2": (("sha256:base", "sha256:app3"), (100, 12)),
    "after-release-3": (("sha256:base", "sha256:app3", "sha256:extra"), (100, 12, 5)),
}


def test_the_matrix_row_is_gzip_as_pushed_with_its_first_cold_pull_then_each_recompression():
    timed = Timed(runs={"after": [(2.0, 1.5), (3.0, None)]}, other={("after", "zstd-3"): (1.0, 0.5)})
    recompressed = {("after", "zstd-3"): ((90, 8), 4.0), ("after", "zstd-19"): ((85, 7), 30.0)}
    assert matrix_row("after", PUSHED, recompressed, timed) == (
        Compressed(compression="gzip", compressed_size_bytes=110, pull_seconds=2.0, unpack_seconds=1.5),
        Compressed(
            compression="zstd-3", compressed_size_bytes=98, compress_seconds=4.0, pull_seconds=1.0, unpack_seconds=0.5
        ),
        Compressed(compression="zstd-19", compressed_size_bytes=92, compress_seconds=30.0),
    )


def test_a_matrix_row_without_pulls_has_sizes_and_no_times():
    recompressed = {("after", "zstd-3"): ((90, 8), 4.0), ("after", "zstd-19"): ((85, 7), 30.0)}
    row = matrix_row("after", PUSHED, recompressed, Timed())
    assert [c.pull_seconds for c in row] == [None, None, None]
    assert [c.compressed_size_bytes for c in row] == [110, 98, 92]


def test_each_release_pulls_only_the_blobs_every_release_before_it_lacks():
    later = {"after": ["after-release-2", "after-release-3"]}
    assert update_figures("after", later, PUSHED, {"after": [0.4, 0.2]}) == ((12, 0.4), (5, 0.2))
    assert update_figures("after", later, PUSHED, {}) == ((12, None), (5, None))
    assert update_figures("before", later, PUSHED, {}) == ()


def test_a_pull_onto_a_held_variant_downloads_the_blobs_it_lacks_once():
    timed = Timed(after={("before", "after"): 0.7})
    assert shared_figures("after", [("before", "after")], PUSHED, timed) == (("before", 10, 0.7),)
    assert shared_figures("before", [("before", "after")], PUSHED, timed) == ()
