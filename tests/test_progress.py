"""checks.model.progress: BuildKit's plain progress read as plain text, lines as a lab build prints them; the
events verify reports, as the terminal shows them and as a program reads them."""

from __future__ import annotations

import json

from checks.model.progress import EarlyDone, StandinBuilt, as_json, failing_step, is_step, line, stage_steps

#: The plain progress of a Dockerfile with stages base, build, test and an unnamed last one, built without a
#: target on a stand-in: steps of no stage, steps interleaved and printed again, a step taken from the cache.
SHIPPED = [
    '#0 building with "default" instance using docker driver',
    "",
    "#1 [internal] load build definition from stages.Dockerfile",
    "#1 transferring dockerfile: 1.10kB done",
    "#1 DONE 0.0s",
    "#2 [context golang:1.27-trixie] load metadata for slimlab-base/golang-1.27-trixie:7bf0eaf36ade",
    "#3 [context gcr.io/distroless/static-debian13] slimlab-base/gcr.io-distroless-static-debian13:ac62e3de877b",
    "#4 [base 1/5] WORKDIR /src",
    "#4 CACHED",
    "#5 [base 2/5] COPY app/go.mod ./",
    "#6 [base 3/5] RUN go mod download",
    "#6 DONE 0.2s",
    "#7 [base 4/5] COPY app/ ./",
    "#8 [stage-3 1/4] COPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/group /etc/",
    "#9 [build 1/2] RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build .",
    "#9 1.042 go: downloading nothing",
    "#8 [stage-3 1/4] COPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/group /etc/",
    "#8 DONE 0.1s",
    "#9 [build 1/2] RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build .",
    "#9 DONE 12.3s",
    "#10 [stage-3 2/4] COPY --from=build /out/greeter /greeter",
    "#11 exporting to image",
]


#: The stages of that Dockerfile and their steps, as checks.model.dockerfile.stages gives them.
STAGES = {
    "base": ("WORKDIR /src", "COPY app/go.mod ./", "RUN go mod download", "COPY app/ ./"),
    "build": ("RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build .",),
    "test": ("RUN --mount=type=cache,target=/root/.cache/go-build go test ./...",),
    "stage-3": (
        "COPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/group /etc/",
        "COPY --from=build /out/greeter /greeter",
    ),
}


def test_stage_steps_counts_each_stages_steps_the_progress_printed_once_however_often():
    assert stage_steps(STAGES, SHIPPED) == {"base": 4, "build": 1, "test": 0, "stage-3": 2}


def test_a_step_counts_for_its_own_stage_whichever_stage_its_header_names():
    # Another build running at the same time shared these steps and named them after its own stages.
    lines = ["#9 [build 1/6] WORKDIR /src", "#2 [build 4/6] COPY app/ ./", "#8 [base 4/5] COPY app/ ./"]
    lines.append("#12 [test 1/1] RUN --mount=type=cache,target=/root/.cache/go-build go test ./...")
    assert stage_steps(STAGES, lines) == {"base": 2, "build": 0, "test": 1, "stage-3": 0}


def test_steps_of_no_stage_count_for_none():
    lines = ["#1 [internal] load build definition from stages.Dockerfile", "#3 [context golang:1.27-trixie] x"]
    assert set(stage_steps(STAGES, lines).values()) == {0}


def test_a_step_is_matched_whatever_its_white_space_and_the_case_of_its_instruction():
    lines = ["#10 [build 1/1] RUN --mount=type=cache,target=/root/.cache/go-build     CGO_ENABLED=0 go build ."]
    assert stage_steps({"build": STAGES["build"]}, lines) == {"build": 1}
    assert stage_steps({"stage-0": ("WORKDIR /src",)}, ["#5 [1/4] workdir /src"]) == {"stage-0": 1}


def test_a_step_is_matched_with_its_build_arguments_filled_in():
    touch = 'RUN find /out -exec touch --date="@${SOURCE_DATE_EPOCH}" {} +'
    printed = '#10 [build 5/6] RUN find /out -exec touch --date="@1735689600" {} +'
    assert stage_steps({"build": (touch,)}, [printed]) == {"build": 1}
    assert stage_steps({"build": (touch,)}, ["#10 [build 5/6] RUN find /out -exec rm {} +"]) == {"build": 0}


def test_a_step_two_stages_write_counts_for_both():
    twins = {"build": ("COPY app/ ./", "RUN make"), "test": ("COPY app/ ./", "RUN make test")}
    assert stage_steps(twins, ["#4 [build 1/2] COPY app/ ./"]) == {"build": 1, "test": 1}


def test_is_step_is_true_for_step_headers_only():
    assert [line for line in SHIPPED if is_step(line)][:2] == SHIPPED[2:3] + SHIPPED[5:6]
    assert not is_step("#9 1.042 go: downloading nothing")
    assert not is_step("#9 DONE 12.3s")


def test_failing_step_names_the_step_and_the_tail_of_its_log():
    lines = [
        "#7 [build 4/5] RUN go test ./...",
        "#7 0.912 --- FAIL: TestHello (0.00s)",
        "#7 0.913 FAIL",
        '#7 ERROR: process "/bin/sh -c go test ./..." did not complete successfully: exit code: 1',
    ]
    step, log = failing_step(lines)
    assert step.startswith("[build 4/5] RUN go test ./...: process ")
    assert log == ["--- FAIL: TestHello (0.00s)", "FAIL"]


def test_failing_step_without_a_step_error_gives_the_last_error_line():
    step, log = failing_step(["#1 [internal] load build definition", "ERROR: failed to solve: no such file"])
    assert step == "ERROR: failed to solve: no such file"
    assert log[-1] == "ERROR: failed to solve: no such file"


# the events verify reports: the same words on the terminal, fields for a program

BUILT = StandinBuilt(
    name="python:3.13-alpine", seconds=253.4, text="base python:3.13-alpine: stand-in built in 253.4 s"
)


def test_the_terminal_shows_an_event_s_words_and_a_plain_line_as_it_is():
    assert line(BUILT) == "base python:3.13-alpine: stand-in built in 253.4 s"
    assert line("lab-1-base-image: smoke test of after") == "lab-1-base-image: smoke test of after"


def test_an_event_as_json_is_its_name_its_fields_and_its_monotonic_seconds():
    assert json.loads(as_json(BUILT, 1234.56789)) == {
        "at": 1234.568,
        "event": "standin-built",
        "name": "python:3.13-alpine",
        "seconds": 253.4,
        "text": "base python:3.13-alpine: stand-in built in 253.4 s",
    }
    done = EarlyDone(labs=2, seconds=320.0, text="measured early, side by side: 2 lab(s) ...")
    assert json.loads(as_json(done, 1.0))["event"] == "early-done"


def test_a_plain_line_as_json_is_the_event_line_with_its_text_in_one_line_of_output():
    written = as_json("base alpine：替身镜像\n构建", 2.0)
    assert "\n" not in written
    assert json.loads(written) == {"at": 2.0, "event": "line", "text": "base alpine：替身镜像\n构建"}
