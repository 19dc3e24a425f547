"""checks.inspect.dockerlines: each layer matched to the Dockerfile line that made it, from the image's history."""

from __future__ import annotations

from checks.inspect.dockerlines import keyword, lines

BASE = (
    {"created_by": "/bin/sh -c #(nop) ADD file:0123 in / "},
    {"created_by": '/bin/sh -c #(nop)  CMD ["bash"]', "empty_layer": True},
)

MULTI_STAGE = """\
# syntax is never written: BuildKit would fetch a frontend
ARG GO=1.24
FROM golang:${GO} AS build
WORKDIR /src
COPY . .
RUN go build \\
    -o /out/app .

FROM debian:trixie-slim
ARG VERSION=1
RUN apt-get update && \\
    apt-get install -y ca-certificates
COPY --from=build /out/app /app
ENV MODE=prod
CMD ["/app"]
"""
#: The history BuildKit records for MULTI_STAGE: the base's steps, then one per instruction of the last stage.
MULTI_STAGE_HISTORY = (
    *BASE,
    {"created_by": "RUN |1 VERSION=1 /bin/sh -c apt-get update &&     apt-get install -y ca-certificates # buildkit"},
    {"created_by": "COPY /out/app /app # buildkit"},
    {"created_by": "ENV MODE=prod", "empty_layer": True},
    {"created_by": 'CMD ["/app"]', "empty_layer": True},
)


def test_a_history_step_names_its_instruction_whichever_builder_wrote_it():
    assert keyword("RUN /bin/sh -c make # buildkit") == "RUN"
    assert keyword("/bin/sh -c make") == "RUN"
    assert keyword("/bin/sh -c #(nop)  COPY file:abc in /app ") == "COPY"
    assert keyword("RUN |2 A=1 B=2 /bin/sh -c make # buildkit") == "RUN"
    assert keyword("WORKDIR /app") == "WORKDIR"
    assert keyword("") == ""


def test_each_layer_of_the_last_stage_gets_its_instruction_s_first_line_and_the_base_s_layers_the_from_line():
    found = lines(MULTI_STAGE_HISTORY, 3, MULTI_STAGE)
    assert found.matched
    assert [(step.line, step.keyword) for step in found.layers if step] == [(9, "FROM"), (11, "RUN"), (13, "COPY")]
    assert found.of(2).line == 13
    assert found.of(None) is None
    assert found.of(7) is None


def test_an_arg_the_classic_builder_recorded_is_matched_like_any_instruction():
    history = (*BASE, {"created_by": "/bin/sh -c #(nop)  ARG VERSION=1", "empty_layer": True}, *MULTI_STAGE_HISTORY[2:])
    assert lines(history, 3, MULTI_STAGE).layers[1].line == 11


def test_a_last_stage_built_from_an_earlier_stage_continues_that_stage_s_instructions():
    dockerfile = "FROM debian:trixie-slim AS base\nRUN apt-get update\n\nFROM base\nCOPY app /app\n"
    history = (*BASE, {"created_by": "RUN /bin/sh -c apt-get update # buildkit"}, {"created_by": "COPY app /app"})
    found = lines(history, 3, dockerfile)
    assert found.matched
    assert [step.line for step in found.layers if step] == [1, 2, 5]


def test_a_dockerfile_the_history_does_not_follow_gives_no_layer_a_line():
    other = "FROM debian:trixie-slim\nCOPY app /app\nRUN make\n"
    found = lines(MULTI_STAGE_HISTORY, 3, other)
    assert not found.matched
    assert found.layers == (None, None, None)
    assert not lines(MULTI_STAGE_HISTORY, 3, "").matched
    assert not lines((), 1, MULTI_STAGE).matched


def test_a_history_that_disagrees_with_the_layer_count_gives_no_layer_a_line():
    assert not lines(MULTI_STAGE_HISTORY, 4, MULTI_STAGE).matched
