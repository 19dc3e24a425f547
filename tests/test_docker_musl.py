"""The Alpine bases are a musl platform: checked in the images themselves, official or stand-in.

slimlab builds its own ``alpine``, ``python:3.13-alpine`` and ``golang:1.27-alpine``
where no registry is reachable (``checks/bases/``). A stand-in that were glibc
underneath would make every Alpine figure in the guide a lie, so these tests
ask the images what they are, the way the official ones would answer: the
interpreter's ELF loader, pip's wheel tags, the C library on disk, Go's cgo.
Nothing is built here but the bases, and only when the engine lacks them.
"""

from __future__ import annotations

import subprocess

import pytest

from checks.engine.bases import Resolver

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("engine")]

#: The PT_INTERP entry of an ELF file, read with the standard library only (no readelf in the image).
INTERPRETER = """
import struct, sys
data = open(sys.argv[1], "rb").read()
phoff, = struct.unpack_from("<Q", data, 0x20)
size, count = struct.unpack_from("<HH", data, 0x36)
for i in range(count):
    kind, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * size)
    if kind == 3:
        print(data[offset:offset + filesz].rstrip(b"\\0").decode())
"""


@pytest.fixture(scope="module")
def images() -> dict[str, str]:
    resolver = Resolver(echo=lambda line: None)
    names = ("alpine", "python:3.13-alpine", "golang:1.27-alpine")
    return {name: resolver.resolve(name).image for name in names}


def run(image: str, *command: str, entrypoint: str | None = None) -> str:
    prefix = ["--entrypoint", entrypoint] if entrypoint else []
    done = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", *prefix, image, *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_pythons_interpreter_is_loaded_by_musl(images):
    executable = run(
        images["python:3.13-alpine"], "python3", "-c", "import sys, os; print(os.path.realpath(sys.executable))"
    )
    loader = run(images["python:3.13-alpine"], "python3", "-c", INTERPRETER, executable)
    assert loader == "/lib/ld-musl-x86_64.so.1"


def test_pip_asks_for_musllinux_wheels_and_extension_modules_are_tagged_for_musl(images):
    script = (
        "import sysconfig; from pip._vendor.packaging import tags; "
        "print(next(iter(tags.sys_tags()))); print(sysconfig.get_config_var('EXT_SUFFIX'))"
    )
    first, suffix = run(images["python:3.13-alpine"], "python3", "-c", script).splitlines()
    assert first.startswith("cp313-cp313-musllinux_1_"), first
    assert suffix == ".cpython-313-x86_64-linux-musl.so"


def test_pythons_standard_library_loads_what_pip_and_the_labs_need(images):
    modules = "ssl, hashlib, zlib, ctypes, lzma, bz2, decimal, zoneinfo"
    out = run(images["python:3.13-alpine"], "python3", "-c", f"import {modules}; print(ssl.OPENSSL_VERSION)")
    assert out.startswith("OpenSSL 3.")


@pytest.mark.parametrize("name", ["alpine", "python:3.13-alpine", "golang:1.27-alpine"])
def test_there_is_no_glibc_only_musl(images, name):
    found = run(
        images[name],
        "-c",
        "ls /lib/ld-musl-x86_64.so.1; find / -xdev \\( -name 'libc.so.6' -o -name 'ld-linux-x86-64.so.2' \\) -print",
        entrypoint="/bin/sh",
    )
    assert found == "/lib/ld-musl-x86_64.so.1"


def test_go_runs_on_musl_with_cgo_off_for_want_of_a_c_compiler(images):
    out = run(images["golang:1.27-alpine"], "go", "env", "CGO_ENABLED", "GOVERSION")
    enabled, version = out.splitlines()
    assert enabled == "0"
    assert version.startswith("go1.27")
