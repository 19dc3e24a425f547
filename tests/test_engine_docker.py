"""The pure part of checks.engine.docker and the modules beside it (images, containers, transfer): the SDK's answers
give what the docker CLI printed (no engine needed)."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from checks.engine import containers, docker, images, transfer
from checks.model import checkout
from checks.model.checkout import HERE, Checkout
from checks.model.errors import UsageError
from checks.model.measured import Layer

# /images/{id}/history answers newest first; Size is a number, CreatedBy may hold tabs.
HISTORY = [
    {
        "Id": "sha256:b",
        "Created": 2,
        "CreatedBy": "RUN /bin/sh -c\tmake &&\t\tmake install # buildkit",
        "Size": 1234,
        "Comment": "buildkit.dockerfile.v0",
        "Tags": ["slimlab/x:after"],
    },
    {"Id": "<missing>", "Created": 1, "CreatedBy": "ENV A=1", "Size": 0, "Comment": "", "Tags": None},
    {"Id": "<missing>", "Created": 0, "CreatedBy": "", "Size": 77, "Comment": "", "Tags": None},
]


def test_history_is_oldest_first_with_tabs_turned_into_spaces_as_the_cli_prints():
    assert images.history_layers(HISTORY) == (
        Layer(size_bytes=77, created_by=""),
        Layer(size_bytes=0, created_by="ENV A=1"),
        Layer(size_bytes=1234, created_by="RUN /bin/sh -c make &&  make install # buildkit"),
    )


def test_history_of_a_row_without_size_or_instruction_is_zero_bytes_and_empty():
    assert images.history_layers([{"Id": "x", "Size": None, "CreatedBy": None}]) == (
        Layer(size_bytes=0, created_by=""),
    )


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ('Error response from daemon: ... exec: "nosuchprog": executable file not found in $PATH: unknown', 127),
        ("Error response from daemon: ... exec: /app/server: no such file or directory: unknown", 127),
        ('Error response from daemon: ... exec: "/etc/hosts": permission denied: unknown', 126),
        ("Error response from daemon: ... exec: /etc: is a directory: unknown", 126),
        ("Error response from daemon: invalid mount config for type tmpfs", 125),
        ("Error response from daemon: No such image: slimlab/x:after", 125),
    ],
)
def test_a_container_that_cannot_start_exits_as_docker_run_does(message, code):
    assert containers.start_failure_code(message) == code


def test_the_exit_code_is_the_container_s_unless_waiting_failed():
    assert containers.wait_code({"StatusCode": 3, "Error": None}) == 3
    assert containers.wait_code({"StatusCode": 0, "Error": {"Message": "no such container"}}) == 125


def test_image_rows_are_one_per_tag_and_none_none_for_untagged_images():
    listed = [
        {"Id": "sha256:" + "a" * 64, "RepoTags": ["slimlab/lab-4:after", "mine:latest"], "RepoDigests": []},
        {"Id": "sha256:" + "b" * 64, "RepoTags": [], "RepoDigests": []},
        {"Id": "sha256:" + "c" * 64, "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"]},
        {
            "Id": "sha256:" + "d" * 64,
            "RepoTags": [],
            "RepoDigests": ["127.0.0.1:5000/slimlab/lab-4@sha256:" + "e" * 64],
        },
    ]
    assert images.image_rows(listed) == [
        ("slimlab/lab-4:after", "a" * 12),
        ("mine:latest", "a" * 12),
        ("<none>:<none>", "b" * 12),
        ("<none>:<none>", "c" * 12),
        ("127.0.0.1:5000/slimlab/lab-4:<none>", "d" * 12),
    ]


# What clean may remove, of the images carrying this checkout's label (the engine filters by label).

OURS, THEIRS = Checkout("0123abcd"), Checkout("4567ef01")


def test_a_checkout_owns_its_tags_and_the_images_left_with_no_tag():
    rows = [
        (OURS.tag("lab-4", "after"), "a" * 12),
        (OURS.tag("lab-4", "after-rebuild"), "b" * 12),
        ("<none>:<none>", "c" * 12),  # a variant built anew left its old image untagged
        (f"127.0.0.1:5000/{OURS.repository('lab-4')}:<none>", "d" * 12),  # pushed, and its tag dropped again
    ]
    assert images.owned(rows, OURS) == [
        OURS.tag("lab-4", "after"),
        OURS.tag("lab-4", "after-rebuild"),
        "c" * 12,
        "d" * 12,
    ]


def test_a_tag_of_ours_is_untagged_by_name_so_an_image_someone_else_also_tags_stays_theirs():
    rows = [(OURS.tag("lab-4", "after"), "a" * 12), ("mine:latest", "a" * 12), ("mine:child", "e" * 12)]
    assert images.owned(rows, OURS) == [OURS.tag("lab-4", "after")]


def test_no_name_of_another_checkout_the_stand_ins_or_slimlab_before_namespaces_is_ours():
    rows = [
        (THEIRS.tag("lab-4", "after"), "a" * 12),
        ("slimlab/lab-4:after", "b" * 12),
        ("slimlab-base/golang-1.27-trixie:56997237e832", "c" * 12),
        (f"slimlab-{OURS.id}x/lab-4:after", "d" * 12),
    ]
    assert images.owned(rows, OURS) == []


def test_loading_a_file_that_is_not_gzip_says_it_is_not_a_bundle_before_asking_the_engine(tmp_path):
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(b"plain text, not a bundle\n")
    with pytest.raises(UsageError, match=r"not a workshop bundle \(not gzip\).*`make workshop-bundle`"):
        transfer.load_gz(bundle)


def test_the_gzip_check_reads_the_magic_bytes_gzip_writes():
    assert gzip.compress(b"tar")[:2] == transfer.GZIP_MAGIC


def test_a_smoke_container_carries_this_checkout_s_label_so_another_checkout_s_clean_leaves_it(monkeypatch):
    made: dict[str, Any] = {}

    class Api:
        def create_host_config(self, **options: Any) -> dict[str, Any]:
            return options

        def create_container(self, image: str, **options: Any) -> None:
            made.update(options)

        def start(self, name: str) -> None: ...

        def wait(self, name: str, timeout: float) -> dict[str, Any]:
            return {"StatusCode": 0}

        def logs(self, name: str, **streams: bool) -> bytes:
            return b"ok" if streams["stdout"] else b""

        def remove_container(self, name: str, force: bool) -> None: ...

    monkeypatch.setattr(docker, "api", lambda *args, **kwargs: Api())
    assert containers.run_smoke("img", [], expect="ok", timeout=5).passed
    assert made["labels"] == {docker.CONTAINER_LABEL: "smoke", checkout.LABEL: HERE.id}


CLASSIC_INFO = {
    "Driver": "overlay2",
    "DockerRootDir": "/var/lib/docker",
    "DriverStatus": [["Backing Filesystem", "extfs"]],
}
#: What Engine 26.1 reports with ``"features": {"containerd-snapshotter": true}``.
CONTAINERD_INFO = {
    "Driver": "overlayfs",
    "DockerRootDir": "/var/lib/docker",
    "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]],
}


@pytest.mark.parametrize(
    ("info", "where", "in_containerd"),
    [(CLASSIC_INFO, ("overlay2", "/var/lib/docker"), False), (CONTAINERD_INFO, None, True)],
    ids=["classic", "containerd"],
)
def test_only_the_classic_store_names_a_layer_store_to_read(monkeypatch, info, where, in_containerd):
    class Api:
        def info(self) -> dict[str, Any]:
            return info

    monkeypatch.setattr(docker, "api", lambda *args, **kwargs: Api())
    assert docker.storage() == where
    assert docker.containerd_store() is in_containerd
    assert docker.containerd_root() == ("/var/lib/docker" if in_containerd else None)
