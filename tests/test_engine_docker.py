"""The pure part of checks.engine.docker: the SDK's answers give what the docker CLI printed (no engine needed)."""

from __future__ import annotations

import gzip

import pytest

from checks.engine import docker
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
    assert docker.history_layers(HISTORY) == (
        Layer(size_bytes=77, created_by=""),
        Layer(size_bytes=0, created_by="ENV A=1"),
        Layer(size_bytes=1234, created_by="RUN /bin/sh -c make &&  make install # buildkit"),
    )


def test_history_of_a_row_without_size_or_instruction_is_zero_bytes_and_empty():
    assert docker.history_layers([{"Id": "x", "Size": None, "CreatedBy": None}]) == (
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
    assert docker.start_failure_code(message) == code


def test_the_exit_code_is_the_container_s_unless_waiting_failed():
    assert docker.wait_code({"StatusCode": 3, "Error": None}) == 3
    assert docker.wait_code({"StatusCode": 0, "Error": {"Message": "no such container"}}) == 125


def test_image_rows_are_one_per_tag_and_none_none_for_untagged_images():
    images = [
        {"Id": "sha256:" + "a" * 64, "RepoTags": ["slimlab/lab-4:after", "mine:latest"], "RepoDigests": []},
        {"Id": "sha256:" + "b" * 64, "RepoTags": [], "RepoDigests": []},
        {"Id": "sha256:" + "c" * 64, "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"]},
        {
            "Id": "sha256:" + "d" * 64,
            "RepoTags": [],
            "RepoDigests": ["127.0.0.1:5000/slimlab/lab-4@sha256:" + "e" * 64],
        },
    ]
    assert docker.image_rows(images) == [
        ("slimlab/lab-4:after", "a" * 12),
        ("mine:latest", "a" * 12),
        ("<none>:<none>", "b" * 12),
        ("<none>:<none>", "c" * 12),
        ("127.0.0.1:5000/slimlab/lab-4:<none>", "d" * 12),
    ]
    assert docker.owned(docker.image_rows(images)) == ["slimlab/lab-4:after", "b" * 12, "c" * 12]


def test_loading_a_file_that_is_not_gzip_says_it_is_not_a_bundle_before_asking_the_engine(tmp_path):
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(b"plain text, not a bundle\n")
    with pytest.raises(UsageError, match=r"not a workshop bundle \(not gzip\).*`make workshop-bundle`"):
        docker.load_gz(bundle)


def test_the_gzip_check_reads_the_magic_bytes_gzip_writes():
    assert gzip.compress(b"tar")[:2] == docker.GZIP_MAGIC
