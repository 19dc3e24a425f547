"""checks.model.newbytes: what a node that already holds the base pulls, from diff ids alone (no Docker)."""

from __future__ import annotations

from checks.model.measured import Layer
from checks.model.newbytes import layer_ids, new_blob_bytes, new_bytes, with_diff_ids, with_layer_bytes

BASE = Layer(size_bytes=78_000_000, created_by="ADD rootfs.tar / # buildkit", diff_id="sha256:base")
CMD = Layer(size_bytes=0, created_by='CMD ["bash"]')


def step(size: int, diff_id: str, created_by: str = "RUN true # buildkit") -> Layer:
    return Layer(size_bytes=size, created_by=created_by, diff_id=diff_id)


# with_diff_ids()


def test_each_step_that_wrote_a_layer_gets_the_next_diff_id_in_order():
    steps = (
        Layer(size_bytes=78, created_by="ADD"),
        Layer(size_bytes=0, created_by="CMD"),
        Layer(size_bytes=0, created_by="RUN rm"),
    )
    config = ({}, {"empty_layer": True}, {"empty_layer": False})
    assert with_diff_ids(steps, config, ["sha256:a", "sha256:b"]) == (
        Layer(size_bytes=78, created_by="ADD", diff_id="sha256:a"),
        Layer(size_bytes=0, created_by="CMD"),
        Layer(size_bytes=0, created_by="RUN rm", diff_id="sha256:b"),
    )


def test_a_history_that_does_not_describe_the_layers_gets_no_ids_rather_than_wrong_ones():
    steps = (Layer(size_bytes=1, created_by="ADD"), Layer(size_bytes=0, created_by="CMD"))
    assert with_diff_ids(steps, ({}, {}), ["sha256:a"]) == steps  # two layer-writing steps, one layer
    assert with_diff_ids(steps, ({},), ["sha256:a"]) == steps  # another number of steps


# new_bytes()


def test_a_node_holding_the_base_pulls_only_the_layers_above_the_shared_prefix():
    steps = (BASE, CMD, step(50_000_000, "sha256:run"), step(381, "sha256:copy"))
    assert new_bytes(steps, {"sha256:base"}) == 50_000_381


def test_after_from_scratch_every_layer_is_new():
    steps = (step(79_500_000, "sha256:flat"), Layer(size_bytes=0, created_by='CMD ["report"]'))
    assert new_bytes(steps, ()) == 79_500_000


def test_a_layer_with_the_same_bytes_as_the_base_is_still_new_when_its_diff_id_differs():
    copy_onto_base = (BASE, CMD, step(79_500_000, "sha256:everything-again"))
    assert new_bytes(copy_onto_base, {"sha256:base"}) == 79_500_000


def test_a_layer_that_occurs_twice_is_pulled_and_counted_once():
    assert new_bytes((BASE, step(10, "sha256:x"), step(10, "sha256:x")), {"sha256:base"}) == 10


def test_with_no_base_information_or_no_recorded_ids_there_is_no_figure():
    assert new_bytes((BASE, step(10, "sha256:x")), None) is None
    recorded_before_ids = (Layer(size_bytes=78, created_by="ADD"), Layer(size_bytes=1, created_by="RUN"))
    assert new_bytes(recorded_before_ids, ()) is None


def test_layer_ids_lists_only_steps_that_wrote_a_layer():
    assert layer_ids((BASE, CMD, step(1, "sha256:x"))) == ("sha256:base", "sha256:x")


# new_blob_bytes()


def test_compressed_new_bytes_add_the_blobs_of_the_layers_the_base_lacks():
    assert new_blob_bytes(("sha256:base", "sha256:x"), (30_000_000, 900_000), {"sha256:base"}) == 900_000


def test_compressed_new_bytes_need_one_blob_per_layer_and_a_known_base():
    assert new_blob_bytes(("sha256:base", "sha256:x"), (30_000_000,), {"sha256:base"}) is None
    assert new_blob_bytes(("sha256:base",), (30_000_000,), None) is None
    assert new_blob_bytes((), (), ()) is None


def test_each_step_that_wrote_a_layer_takes_that_layer_s_own_bytes_in_order():
    steps = (step(4096, "sha256:a"), Layer(size_bytes=0, created_by="CMD x"), step(8192, "sha256:b"))
    assert [s.size_bytes for s in with_layer_bytes(steps, [1000, 20])] == [1000, 0, 20]
    assert [s.diff_id for s in with_layer_bytes(steps, [1000, 20])] == ["sha256:a", "", "sha256:b"]


def test_layer_bytes_that_count_other_layers_leave_the_steps_as_they_are():
    steps = (step(4096, "sha256:a"), step(8192, "sha256:b"))
    assert with_layer_bytes(steps, [1000]) == steps
