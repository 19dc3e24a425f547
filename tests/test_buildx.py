"""checks.engine.buildx: one build run to its end, its failure or its deadline, against a stand-in ``docker`` on PATH.

The stand-in is a shell script that prints BuildKit's plain progress and writes the image id where
``--iidfile`` says, as ``docker buildx build`` does; no engine is involved.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from checks.engine import buildx, proc
from checks.engine.buildx import BuildRequest
from checks.model.errors import UsageError

PROGRESS = """#1 [internal] load build definition from after.Dockerfile
#1 DONE 0.0s
#2 [build 1/2] RUN go build -o /app .
#2 DONE 1.2s
#3 [stage-1 1/1] COPY --from=build /app /app
#3 DONE 0.1s
"""
FAILING = """#2 [build 1/2] RUN go build -o /app .
#2 0.210 main.go:3:1: syntax error
#2 ERROR: process "/bin/sh -c go build -o /app ." did not complete successfully: exit code: 1
"""


def fake_docker(folder: Path, body: str) -> None:
    """A ``docker`` in ``folder`` that runs ``body`` (sh) with ``$iid`` the file ``--iidfile`` names."""
    script = folder / "docker"
    script.write_text(
        '#!/bin/sh\niid=""\nwhile [ $# -gt 0 ]; do [ "$1" = --iidfile ] && iid="$2"; shift; done\n' + body
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def docker_bin(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder


def request(tmp_path: Path) -> BuildRequest:
    return BuildRequest(
        dockerfile=tmp_path / "after.Dockerfile", context=tmp_path, tag="t:after", labels={}, contexts={}
    )


def test_a_build_gives_the_image_id_and_its_steps_and_echoes_the_steps(docker_bin, tmp_path):
    fake_docker(
        docker_bin, f"cat <<'END'\n{PROGRESS}END\nprintf 'sha256:abc\\n' > \"$iid\"\necho \"$iid\" > {tmp_path}/iid\n"
    )
    echoed: list[str] = []
    built = buildx.build(request(tmp_path), echo=echoed.append, engine_down="down")
    assert built.image_id == "sha256:abc"
    assert built.steps == tuple(line for line in PROGRESS.splitlines() if line.startswith("#") and "[" in line)
    assert echoed == list(built.steps)
    assert not Path((tmp_path / "iid").read_text().strip()).exists(), "the id file is removed"


def test_a_failed_build_names_the_failing_step_and_its_log(docker_bin, tmp_path):
    fake_docker(docker_bin, f"cat <<'END'\n{FAILING}END\nexit 1\n")
    with pytest.raises(UsageError, match=r"after.Dockerfile: the build failed at .*go build") as raised:
        buildx.build(request(tmp_path), echo=lambda line: None, engine_down="down")
    assert "syntax error" in str(raised.value)


def test_a_build_that_finds_no_engine_says_what_the_caller_words(docker_bin, tmp_path):
    fake_docker(docker_bin, f"echo 'ERROR: {buildx.UNREACHABLE} at unix:///var/run/docker.sock'\nexit 1\n")
    with pytest.raises(UsageError, match=r"^the engine is down$"):
        buildx.build(request(tmp_path), echo=lambda line: None, engine_down="the engine is down")


def test_a_build_past_its_deadline_is_stopped_and_named(docker_bin, tmp_path):
    fake_docker(docker_bin, "echo '#1 [build 1/1] RUN sleep 60'\nexec sleep 60\n")
    with pytest.raises(
        UsageError, match=r"did not finish within 0.5s, so it was stopped \(last line: #1 \[build 1/1\] RUN sleep 60"
    ):
        buildx.build(request(tmp_path), echo=lambda line: None, engine_down="down", timeout=0.5)
    assert not buildx._RUNNING


def test_a_build_is_handed_the_engine_a_block_switched_to(docker_bin, tmp_path):
    fake_docker(docker_bin, 'echo "#1 [build 1/1] RUN at $DOCKER_HOST"\nprintf x > "$iid"\n')
    with proc.handing_on(DOCKER_HOST="unix:///run/second.sock"):
        built = buildx.build(request(tmp_path), echo=lambda line: None, engine_down="down")
    assert built.steps == ("#1 [build 1/1] RUN at unix:///run/second.sock",)


def test_no_docker_command_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError, match="The docker command is not installed"):
        buildx.build(request(tmp_path), echo=lambda line: None, engine_down="down")
