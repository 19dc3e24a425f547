"""The runtime floor read from recorded strace lines and a recorded tree listing: no Docker, no strace."""

from __future__ import annotations

import dataclasses
import struct

import pytest

from checks.engine.floor import command, environment, layer_dirs
from checks.inspect.floor import (
    Entry,
    excluded,
    floor,
    loaded,
    loader_of,
    measure,
    opened_paths,
    resolve,
    resolve_user,
    tree,
    unescape,
)
from checks.model.measured import Measured

ROOT = "/tmp/slimlab-floor-x/root"

#: What strace printed before the app: the launcher's own opens, all before its chroot.
LAUNCHER = f"""\
100 execve("/venv/bin/python", ["python", "-m", "checks.engine.floorlaunch"], 0x7ffd /* 9 vars */) = 0
100 openat(AT_FDCWD</work>, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/libc.so.6>
100 openat(AT_FDCWD</work>, "{ROOT}/etc/passwd", O_RDONLY|O_CLOEXEC) = 3<{ROOT}/etc/passwd>
100 chroot("{ROOT}")                 = 0
"""


def entries(**extra: Entry) -> dict[str, Entry]:
    found = {
        "usr": Entry(kind="d"),
        "usr/bin": Entry(kind="d"),
        "usr/bin/python3.13": Entry(kind="f", size=6_000),
        "usr/bin/python3": Entry(kind="l", target="python3.13"),
        "usr/lib": Entry(kind="d"),
        "usr/lib/libc.so.6": Entry(kind="f", size=2_000),
        "lib": Entry(kind="l", target="usr/lib"),
        "etc": Entry(kind="d"),
        "etc/ld.so.cache": Entry(kind="f", size=30),
        "etc/alternatives": Entry(kind="d"),
        "etc/alternatives/py": Entry(kind="l", target="/usr/bin/python3"),
        "app": Entry(kind="d"),
        "app/hello.py": Entry(kind="f", size=311),
        "tmp": Entry(kind="d"),
        "tmp/left.txt": Entry(kind="f", size=5),
        "dev": Entry(kind="d"),
        "proc": Entry(kind="d"),
    }
    return {**found, **extra}


def app_floor(trace: str, **extra: Entry):
    return floor(opened_paths(LAUNCHER + trace, root=ROOT, cwd="/app"), entries(**extra).get)


# ---------------------------------------------------------------------------
# Which calls count


def test_only_successful_opens_and_execs_after_the_chroot_count():
    trace = f"""\
100 execve("/usr/local/bin/python3", ["python3"], 0x1 /* 3 vars */) = -1 ENOENT (No such file or directory)
100 execve("/usr/bin/python3", ["python3", "hello.py"], 0x1 /* 3 vars */) = 0
100 openat(AT_FDCWD<{ROOT}/app>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3<{ROOT}/etc/ld.so.cache>
100 openat(AT_FDCWD<{ROOT}/app>, "/usr/lib/libm.so.6", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
100 openat(AT_FDCWD<{ROOT}/app>, "hello.py", O_RDONLY|O_CLOEXEC) = 3<{ROOT}/app/hello.py>
"""
    assert app_floor(trace).files == {"app/hello.py": 311, "etc/ld.so.cache": 30, "usr/bin/python3.13": 6_000}


def test_what_the_launcher_opened_before_its_chroot_is_not_the_apps():
    assert app_floor("").files == {}


def test_a_trace_without_a_chroot_counts_nothing():
    trace = f'100 openat(AT_FDCWD<{ROOT}/app>, "/etc/ld.so.cache", O_RDONLY) = 3\n'
    assert opened_paths(trace, root=ROOT) == []


def test_the_old_open_call_counts_too():
    assert app_floor('100 open("/etc/ld.so.cache", O_RDONLY) = 3\n').count == 1


def test_an_execveat_of_a_descriptor_counts_the_file_it_names():
    trace = f'101 execveat(3<{ROOT}/usr/bin/python3.13>, "", ["python3"], 0x1 /* 3 vars */, AT_EMPTY_PATH) = 0\n'
    assert app_floor(trace).files == {"usr/bin/python3.13": 6_000}


def test_only_execs_are_kept_when_asked():
    trace = (
        LAUNCHER
        + '100 execve("/usr/bin/python3", ["python3"], 0x1 /* 3 vars */) = 0\n'
        + '100 open("/etc/ld.so.cache", O_RDONLY) = 3\n'
    )
    assert opened_paths(trace, root=ROOT, execs_only=True) == ["/usr/bin/python3"]


# ---------------------------------------------------------------------------
# Paths: relative, decoded, cut short


def test_a_relative_path_with_at_fdcwd_is_read_against_the_directory_strace_decoded():
    trace = f'100 openat(AT_FDCWD<{ROOT}/usr>, "lib/libc.so.6", O_RDONLY) = 3\n'
    assert app_floor(trace).files == {"usr/lib/libc.so.6": 2_000}


def test_a_relative_path_with_a_plain_at_fdcwd_is_read_against_the_working_directory():
    assert app_floor('100 openat(AT_FDCWD, "hello.py", O_RDONLY) = 3\n').files == {"app/hello.py": 311}


def test_a_path_relative_to_a_directory_descriptor_uses_its_decoded_path():
    trace = f'100 openat(7<{ROOT}/usr/lib>, "libc.so.6", O_RDONLY|O_CLOEXEC) = 3\n'
    assert app_floor(trace).files == {"usr/lib/libc.so.6": 2_000}


def test_a_directory_descriptor_strace_did_not_decode_is_left_out():
    assert app_floor('100 openat(7, "libc.so.6", O_RDONLY) = 3\n').count == 0


def test_a_path_strace_cut_short_is_left_out():
    assert app_floor('100 open("/usr/lib/libc.so"..., O_RDONLY) = 3\n').count == 0


def test_escapes_in_a_path_are_decoded():
    assert unescape(r"a\"b\\c\x41\101\n") == 'a"b\\cAA\n'
    trace = '100 open("/app/h\\145llo.py", O_RDONLY) = 3\n'
    assert app_floor(trace).files == {"app/hello.py": 311}


def test_a_call_split_by_another_process_is_joined_again():
    trace = (
        '100 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY <unfinished ...>\n'
        '101 openat(AT_FDCWD, "/app/hello.py", O_RDONLY) = 4\n'
        "100 <... openat resumed>) = 3\n"
    )
    assert app_floor(trace).files == {"app/hello.py": 311, "etc/ld.so.cache": 30}


def test_a_call_resumed_as_a_failure_does_not_count():
    trace = (
        '100 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY <unfinished ...>\n'
        "100 <... openat resumed>) = -1 EACCES (Permission denied)\n"
    )
    assert app_floor(trace).count == 0


# ---------------------------------------------------------------------------
# Symlinks, duplicates and what is not the image's


def test_symlinks_are_followed_inside_the_image_root():
    trace = '100 open("/etc/alternatives/py", O_RDONLY) = 3\n100 open("/lib/libc.so.6", O_RDONLY) = 3\n'
    assert app_floor(trace).files == {"usr/bin/python3.13": 6_000, "usr/lib/libc.so.6": 2_000}


def test_an_absolute_symlink_target_is_the_images_not_the_hosts():
    lookup = entries().get
    assert resolve("/etc/alternatives/py", lookup) == "usr/bin/python3.13"


def test_a_symlink_loop_resolves_to_nothing():
    lookup = entries(a=Entry(kind="l", target="b"), b=Entry(kind="l", target="a")).get
    assert resolve("/a", lookup) is None


def test_dot_dot_does_not_climb_out_of_the_root():
    assert resolve("/../../app/./hello.py", entries().get) == "app/hello.py"


def test_each_file_counts_once_however_often_and_by_whatever_name_it_is_opened():
    trace = (
        '100 open("/usr/bin/python3", O_RDONLY) = 3\n'
        '101 open("/usr/bin/python3.13", O_RDONLY) = 3\n'
        '101 execve("/etc/alternatives/py", ["py"], 0x1 /* 1 var */) = 0\n'
    )
    found = app_floor(trace)
    assert (found.count, found.bytes) == (1, 6_000)


def test_proc_dev_and_tmp_are_never_part_of_the_floor():
    trace = (
        '100 open("/proc/self/status", O_RDONLY) = 3\n'
        '100 open("/dev/urandom", O_RDONLY) = 3\n'
        '100 open("/tmp/left.txt", O_RDONLY) = 3\n'
        '100 open("/etc/ld.so.cache", O_RDONLY) = 3\n'
    )
    assert app_floor(trace).files == {"etc/ld.so.cache": 30}
    assert all(excluded(p) for p in ("proc/1/maps", "dev/null", "sys/kernel", "tmp"))


def test_directories_and_files_the_image_lacks_count_nothing():
    trace = '100 openat(AT_FDCWD, "/usr/lib", O_RDONLY|O_DIRECTORY) = 3\n100 open("/app/new.txt", O_RDONLY) = 3\n'
    assert app_floor(trace).count == 0


# ---------------------------------------------------------------------------
# What the kernel loads without an open: ELF interpreters and #! lines


def elf(interpreter: bytes) -> bytes:
    """A minimal 64-bit little-endian ELF header with one PT_LOAD and one PT_INTERP program header."""
    text = interpreter + b"\0"
    header = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    header += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 64, 0, 0, 64, 56, 2, 64, 0, 0)
    at = 64 + 2 * 56
    load = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, 0, 0, 0)
    interp = struct.pack("<IIQQQQQQ", 3, 4, at, 0, 0, len(text), len(text), 1)
    return header + load + interp + text


def test_an_elf_binarys_dynamic_loader_is_read_from_its_program_headers():
    assert loader_of(elf(b"/lib64/ld-linux-x86-64.so.2")) == "/lib64/ld-linux-x86-64.so.2"


def test_a_scripts_interpreter_is_its_shebang():
    assert loader_of(b"#!/usr/bin/env python3\nprint(1)\n") == "/usr/bin/env"


def test_a_static_binary_or_plain_data_has_no_loader():
    assert loader_of(b"\x7fELF" + bytes([2, 1, 1]) + bytes(57)) is None
    assert loader_of(b"hello") is None


def test_loaders_are_followed_until_a_static_one():
    files = entries(**{"usr/lib/ld.so": Entry(kind="f", size=200), "app/run": Entry(kind="f", size=10)})
    heads = {"app/run": b"#!/usr/bin/python3\n", "usr/bin/python3.13": elf(b"/lib/ld.so")}
    found = loaded(["/app/run"], files.get, lambda path: heads.get(path, b""))
    assert found == ["/usr/bin/python3", "/lib/ld.so"]
    assert floor(found, files.get).files == {"usr/bin/python3.13": 6_000, "usr/lib/ld.so": 200}


# ---------------------------------------------------------------------------
# The tree listing, the whole measurement, the user


def test_the_tree_is_read_from_finds_nul_separated_fields():
    listing = "d\x004096\x00\x00\x00f\x00311\x00app/hello.py\x00\x00l\x007\x00lib\x00usr/lib\x00"
    assert tree(listing) == {
        "app/hello.py": Entry(kind="f", size=311),
        "lib": Entry(kind="l", size=7, target="usr/lib"),
    }


def test_measure_puts_the_trace_the_listing_and_the_loaders_together():
    rows = [("d", 0, "app", ""), ("f", 311, "app/hello.py", ""), ("d", 0, "lib", ""), ("f", 200, "lib/ld.so", "")]
    listing = "".join(f"{kind}\0{size}\0{path}\0{target}\0" for kind, size, path, target in rows)
    trace = LAUNCHER + '100 open("/app/hello.py", O_RDONLY) = 3\n'
    found = measure(trace, listing, root=ROOT, loaders=["/lib/ld.so"])
    assert (found.count, found.bytes) == (2, 511)


PASSWD = "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
GROUP = "root:x:0:\nnonroot:x:65532:\naudio:x:29:nonroot\n"


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("", (0, 0, (0,), "/root")),
        ("nonroot", (65532, 65532, (29, 65532), "/home/nonroot")),
        ("65532", (65532, 65532, (29, 65532), "/home/nonroot")),
        ("65532:65532", (65532, 65532, (29, 65532), "/home/nonroot")),
        ("1000", (1000, 0, (0,), "/")),
        ("1000:audio", (1000, 29, (29,), "/")),
    ],
)
def test_the_user_is_looked_up_in_the_images_own_files(user, expected):
    found = resolve_user(user, PASSWD, GROUP)
    assert (found.uid, found.gid, found.groups, found.home) == expected


def test_a_user_name_the_image_does_not_know_is_an_error():
    with pytest.raises(ValueError, match="no user 'app'"):
        resolve_user("app", PASSWD, GROUP)


# ---------------------------------------------------------------------------
# The engine edge's pure parts: the command, the environment, the layers


def test_the_smoke_arguments_replace_the_cmd_and_keep_the_entrypoint():
    config = {"Entrypoint": ["greeter"], "Cmd": ["-serve"]}
    assert command(config, ["-selfcheck"]) == ["greeter", "-selfcheck"]
    assert command(config, []) == ["greeter", "-serve"]
    assert command({"Cmd": ["python3", "hello.py"]}, []) == ["python3", "hello.py"]


def test_the_environment_is_the_images_with_the_engines_defaults():
    env = environment({"Env": ["PATH=/opt/venv/bin:/usr/bin", "A=b=c"]})
    assert env["PATH"] == "/opt/venv/bin:/usr/bin"
    assert env["A"] == "b=c"
    assert environment({})["PATH"].endswith("/usr/bin:/sbin:/bin")


def test_layers_come_from_overlay2_storage_only(tmp_path):
    top, below = tmp_path / "top", tmp_path / "below"
    top.mkdir()
    below.mkdir()
    info = {"GraphDriver": {"Name": "overlay2", "Data": {"UpperDir": str(top), "LowerDir": str(below)}}}
    assert layer_dirs(info) == f"{top}:{below}"
    assert layer_dirs({"GraphDriver": {"Name": "vfs", "Data": {}}}) is None
    gone = {"GraphDriver": {"Name": "overlay2", "Data": {"UpperDir": str(tmp_path / "gone")}}}
    assert layer_dirs(gone) is None


# ---------------------------------------------------------------------------
# Utilisation


def test_utilisation_is_the_floor_over_the_size():
    m = Measured(image_id="sha256:a", size_bytes=1_000, layer_count=1, runtime_files=3, runtime_bytes=64)
    assert m.utilisation == pytest.approx(0.064)
    assert dataclasses.replace(m, runtime_bytes=None).utilisation is None
    assert dataclasses.replace(m, size_bytes=0).utilisation == 0.0
