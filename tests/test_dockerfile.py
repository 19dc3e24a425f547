"""Which images a Dockerfile pulls in: plain text in, image names out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.model.dockerfile import (
    external_images,
    external_images_of,
    final_base,
    final_base_of,
    instructions,
    stages,
    stages_of,
    step_pattern,
)
from checks.model.errors import UsageError
from checks.model.spec import load

LAB4 = Path(__file__).resolve().parent.parent / "labs" / "lab-4-go-multistage"


def text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# instructions()


def test_instructions_joins_continuation_lines_and_drops_comments():
    parsed = instructions(
        text(
            "# syntax=docker/dockerfile:1",
            "FROM debian:trixie-slim",
            "RUN apt-get update \\",
            "    # a comment inside the continuation",
            "    && apt-get install -y curl",
            "",
            "  # an indented comment",
            'CMD ["curl"]',
        )
    )
    assert [(word, " ".join(rest.split())) for word, rest in parsed] == [
        ("FROM", "debian:trixie-slim"),
        ("RUN", "apt-get update && apt-get install -y curl"),
        ("CMD", '["curl"]'),
    ]


def test_instructions_upper_cases_the_instruction_word():
    assert instructions("from busybox as base\n") == [("FROM", "busybox as base")]


def test_instructions_skips_heredoc_bodies():
    parsed = instructions(
        text(
            "FROM debian",
            "RUN <<EOF",
            "FROM alpine",
            "EOF",
            "COPY <<-'CONF' <<\"MORE\" /etc/",
            "\tFROM nothing",
            "\tCONF",
            "FROM neither",
            "MORE",
            "USER app",
        )
    )
    assert [word for word, _ in parsed] == ["FROM", "RUN", "COPY", "USER"]


# external_images()


def test_a_plain_from_names_its_image():
    assert external_images("FROM debian:trixie-slim\n") == ["debian:trixie-slim"]


def test_from_with_as_names_the_image_not_the_stage():
    assert external_images("FROM golang:1.27-trixie AS build\n") == ["golang:1.27-trixie"]


def test_platform_flags_are_not_image_names():
    assert external_images("FROM --platform=$BUILDPLATFORM golang:1.27-trixie AS build\n") == ["golang:1.27-trixie"]


def test_scratch_is_not_an_image_to_pull():
    assert external_images(text("FROM scratch", "COPY --from=scratch / /")) == []
    assert external_images("FROM SCRATCH\n") == []


def test_a_stage_used_as_a_base_is_not_external():
    dockerfile = text("FROM debian:trixie-slim AS base", "RUN true", "FROM base AS app", "FROM Base")
    assert external_images(dockerfile) == ["debian:trixie-slim"]


def test_copy_from_a_stage_is_internal_and_copy_from_an_image_is_external():
    dockerfile = text(
        "FROM golang:1.27-trixie AS build",
        "FROM scratch",
        "COPY --from=build /out/greeter /greeter",
        "COPY --from=BUILD /etc/ssl/certs/ /etc/ssl/certs/",
        "COPY --link --from=busybox:1.37 /bin/busybox /bin/",
        "COPY --from=0 /out /out",
    )
    assert external_images(dockerfile) == ["golang:1.27-trixie", "busybox:1.37"]


def test_run_mount_from_names_an_image():
    dockerfile = text(
        "FROM debian AS base",
        "RUN --mount=type=bind,from=python:3.13-slim-trixie,source=/usr/local,target=/py \\",
        "    --mount=type=cache,target=/var/cache/apt \\",
        "    --mount=type=bind,from=base,target=/b true",
    )
    assert external_images(dockerfile) == ["debian", "python:3.13-slim-trixie"]


def test_global_args_are_substituted():
    dockerfile = text(
        "ARG BASE=debian:trixie-slim",
        'ARG GO="1.27" OTHER',
        "FROM ${BASE}",
        "FROM golang:${GO}-trixie AS build",
        "FROM $BASE",
    )
    assert external_images(dockerfile) == ["debian:trixie-slim", "golang:1.27-trixie"]


def test_a_braced_default_is_used_when_the_arg_is_empty():
    assert external_images(text("ARG TAG", "FROM busybox:${TAG:-1.37}")) == ["busybox:1.37"]


def test_args_declared_after_the_first_from_do_not_change_later_froms():
    dockerfile = text("ARG BASE=debian", "FROM ${BASE}", "ARG BASE=alpine", "FROM ${BASE} AS second")
    assert external_images(dockerfile) == ["debian"]


def test_a_from_split_over_continuation_lines_is_read_whole():
    dockerfile = text("FROM \\", "  --platform=linux/amd64 \\", "  busybox:1.37 \\", "  AS tools")
    assert external_images(dockerfile) == ["busybox:1.37"]


def test_comments_naming_images_are_not_read():
    assert external_images(text("# FROM alpine", "FROM busybox", "  # COPY --from=nginx / /")) == ["busybox"]


def test_heredoc_bodies_naming_images_are_not_read():
    dockerfile = text(
        "FROM debian:trixie-slim",
        "RUN <<EOF",
        "FROM alpine:3.20",
        "COPY --from=nginx / /",
        "EOF",
        "COPY <<CONF /etc/app.conf",
        "  FROM redis",
        "CONF",
        "FROM busybox",
    )
    assert external_images(dockerfile) == ["debian:trixie-slim", "busybox"]


def test_duplicates_are_collapsed_in_order_of_first_use():
    dockerfile = text(
        "FROM golang:1.27-trixie AS build",
        "FROM busybox AS tools",
        "FROM golang:1.27-trixie AS test",
        "FROM scratch",
        "COPY --from=busybox /bin/busybox /bin/",
    )
    assert external_images(dockerfile) == ["golang:1.27-trixie", "busybox"]


def test_an_unbraced_arg_followed_by_a_dash_keeps_the_rest_of_the_name():
    assert external_images(text("ARG PY=3.13", "FROM python:$PY-slim-trixie")) == ["python:3.13-slim-trixie"]


def test_a_global_arg_default_may_use_an_earlier_global_arg():
    assert external_images(text("ARG GO=1.27", "ARG IMG=golang:${GO}-trixie", "FROM ${IMG}")) == ["golang:1.27-trixie"]


def test_the_lab_4_files_name_exactly_the_bases_its_results_recorded():
    recorded = json.loads((LAB4 / "results.json").read_text(encoding="utf-8"))["bases"]
    named = {name for variant in load(LAB4).variants for name in external_images_of(LAB4 / variant.dockerfile)}
    assert named == set(recorded)


# an unreadable line is the author's to fix, never a traceback


def test_an_arg_with_an_unbalanced_quote_is_a_usage_error_naming_the_dockerfile_and_the_line(tmp_path):
    path = tmp_path / "after.Dockerfile"
    path.write_text(text("# pinned", 'ARG GO="1.27', "FROM golang:${GO}"), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        external_images_of(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 2: ")
    assert "'ARG GO=\"1.27'" in message
    assert "Close the quote" in message


def test_the_line_of_an_unreadable_arg_is_the_one_it_starts_on():
    with pytest.raises(UsageError, match=r"^Dockerfile, line 2: "):
        external_images(text("", "ARG A=1 \\", "    B='2", "FROM scratch"))


# final_base()


def test_final_base_is_the_image_the_last_stage_builds_on():
    assert final_base(text("FROM golang:1.27-trixie AS build", "RUN go build", "FROM debian:trixie-slim")) == (
        "debian:trixie-slim"
    )


def test_final_base_is_none_for_a_last_stage_from_scratch():
    assert final_base(text("FROM debian:trixie-slim AS build", "FROM scratch", "COPY --from=build / /")) is None


def test_final_base_chases_a_stage_built_from_an_earlier_stage():
    dockerfile = text(
        "ARG BASE=debian:trixie-slim",
        "FROM ${BASE} AS Base",
        "FROM base AS tools",
        "FROM scratch AS empty",
        "FROM tools",
    )
    assert final_base(dockerfile) == "debian:trixie-slim"
    assert final_base(text("FROM scratch AS empty", "FROM empty")) is None
    assert final_base(text("FROM busybox", "FROM 0")) == "busybox"


def test_final_base_of_a_target_stage_is_that_stages_base():
    dockerfile = text("FROM golang:1.27-trixie AS build", "FROM scratch AS final", "FROM debian:trixie-slim AS debug")
    assert final_base(dockerfile, "build") == "golang:1.27-trixie"
    assert final_base(dockerfile, "FINAL") is None
    assert final_base(dockerfile) == "debian:trixie-slim"


def test_final_base_reads_every_lab_variant_of_lab_2():
    lab2 = LAB4.parent / "lab-2-layers"
    assert final_base_of(lab2 / "flattened.Dockerfile") is None
    for name in ("squashed", "copy-onto-base", "multi-stage", "before"):
        assert final_base_of(lab2 / f"{name}.Dockerfile") == "debian:trixie-slim"


# stages()


def test_stages_are_named_after_as_lower_cased_and_stage_n_for_the_others():
    dockerfile = text("FROM golang:1.27-trixie AS Base", "FROM base AS build", "FROM base AS test", "FROM scratch")
    assert list(stages(dockerfile)) == ["base", "build", "test", "stage-3"]


def test_a_stages_steps_are_its_instructions_but_from_and_the_configuration_ones_each_on_one_line():
    dockerfile = text(
        "ARG GO=1.27",
        "FROM golang:${GO}-trixie AS build",
        "ENV CGO_ENABLED=0",
        "workdir /src",
        "RUN --mount=type=cache,target=/root/.cache/go-build \\",
        "    go build  -o /out/app .",
        "FROM scratch",
        "COPY --from=build /out/app /app",
        "USER 65532:65532",
        'ENTRYPOINT ["/app"]',
    )
    assert stages(dockerfile) == {
        "build": ("WORKDIR /src", "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app ."),
        "stage-1": ("COPY --from=build /out/app /app",),
    }


def test_a_steps_pattern_reads_its_variables_as_anything_and_the_rest_as_written():
    pattern = step_pattern("RUN go build -ldflags=${FLAGS:--s} -o $OUT .")
    assert pattern.fullmatch('RUN go build -ldflags="-s -w" -o /out/app .')
    assert not pattern.fullmatch("RUN go build -ldflags=-s -o /out/app ./cmd")
    copy = step_pattern("COPY a.txt b/")
    assert copy.fullmatch("COPY a.txt b/")
    assert not copy.fullmatch("COPY aatxt b/")


def test_stages_end_with_the_target():
    dockerfile = text("FROM golang AS base", "RUN a", "FROM base AS test", "RUN b", "FROM scratch", "COPY c d")
    assert stages(dockerfile, "Test") == {"base": ("RUN a",), "test": ("RUN b",)}


def test_an_image_named_by_copy_from_is_no_stage():
    dockerfile = text("FROM scratch", "COPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/")
    assert list(stages(dockerfile)) == ["stage-0"]


def test_stages_read_the_lab_4_files():
    assert list(stages_of(LAB4 / "after.Dockerfile")) == ["build", "stage-1"]
    assert list(stages_of(LAB4 / "stages.Dockerfile", "test")) == ["base", "build", "test"]
