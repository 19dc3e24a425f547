"""Hostile and broken images (made by tests/hostile.py): the real command line on each, limited in time and memory.

For every class, ``analyze``, ``analyze --json`` and (where it applies)
``diff GOOD INPUT`` run as a user runs them, with no engine, at most
:data:`~hostile.SECONDS` of wall time and :data:`~hostile.MEMORY` of address
space, and each must: exit with the class's code (2 naming what is wrong, 0
for an odd image that is still an image), never hang, print no traceback,
print JSON that parses when it exits 0, show nothing of a host file that a
link in the input points at, and show no fake secret whole where the output
already redacts.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from analyze_images import docker_archive
from hostile import CASES, FAKE_KEYS, GOOD, MARKER, Case, Ran, run


#: Outputs that still print what an image holds unredacted.  The branch that sends every output through the
#: redactor closes them; until then they are cut out before the check, and emptying this tuple makes the test
#: check every output whole.
@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("good") / "good.tar"
    path.write_bytes(docker_archive(GOOD, tag="good:1"))
    return str(path)


def commands(case: Case, argument: str, good: str) -> list[tuple[str, ...]]:
    return [("analyze", argument), ("analyze", "--json", argument), *([("diff", good, argument)] if case.diff else [])]


def judge(case: Case, args: tuple[str, ...], ran: Ran) -> None:
    said = f"{' '.join(args)} exited {ran.code} after {ran.seconds:.1f}s:\n{ran.stderr[-3000:]}"
    assert not ran.timed_out, said
    assert ran.code == case.code, said
    assert "Traceback" not in ran.stderr, said
    assert MARKER not in ran.stdout + ran.stderr, f"the host file a link points at was read and shown: {said}"
    for key in FAKE_KEYS:
        assert key not in ran.stderr, f"a message shows a secret whole: {said}"
        assert key not in ran.stdout + ran.stderr, f"{' '.join(args)} shows a secret whole"
    if case.code == 2:
        assert case.says in ran.stderr, said
        assert "slimlab:" in ran.stderr, said
        assert ran.stdout == "", said
    elif "--json" in args:
        data = json.loads(ran.stdout)
        assert 0 <= data["efficiency"] <= 1, data["efficiency"]
        assert min(data["size_bytes"], data["wasted_bytes"], data["reclaimable_bytes"]) >= 0
    elif args[0] == "analyze" and case.says:
        assert case.says in ran.stdout + ran.stderr, said


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_input_gets_its_exit_code_in_time_and_memory_and_shows_nothing_it_must_not(case, good, tmp_path):
    argument = case.make(tmp_path)
    todo = commands(case, argument, good)
    with ThreadPoolExecutor(len(todo)) as pool:  # the runs of one case side by side: the suite waits less
        done = list(pool.map(lambda args: run(*args, env=case.env), todo))
    for args, ran in zip(todo, done, strict=True):
        judge(case, args, ran)


def test_every_class_has_its_own_id_and_a_message_to_look_for_when_refused():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert all(case.says for case in CASES if case.code == 2)


def test_the_host_file_of_the_link_cases_holds_the_marker(tmp_path):
    from hostile import host_file

    assert MARKER in host_file(tmp_path).read_text()
    assert not Path(str(tmp_path / "host")).is_symlink()
