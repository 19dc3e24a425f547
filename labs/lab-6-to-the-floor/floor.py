"""floor: run a Python app once, then copy every file it used into a folder.

    python3 -B floor.py [--module NAME]... [--file PATH]... [--zip] DEST SCRIPT [ARGS...]

Runs SCRIPT as __main__ with ARGS (the lab runs the app's own self-check, the
workload the smoke test runs), imports each module NAME (what the run did not
use but the image must have), then copies into DEST, at the same paths:

- the interpreter, and the dynamic loader its ELF header names;
- every file mapped into the process (/proc/self/maps): the shared libraries
  of the interpreter and of the extension modules the app loaded;
- the source (and cached bytecode, when the image has it) of every module in
  sys.modules, and the directories on sys.path;
- /etc/ld.so.cache, which the loader reads to find libraries by name, and
  each file PATH;
- every symbolic link on the way to those files, and the links beside a
  library that name it (libz.so.1 -> libz.so.1.3.1), as links.

With --zip, the standard library's pure-Python modules go into one
compressed archive instead, at the path sys.path already names for it
(/usr/lib/python313.zip): Python imports from a zip file on sys.path.

It sees only what this one run used: a module imported on a code path the run
did not take is not copied, and the image built from DEST fails when it gets
there. Run it again whenever the app or its dependencies change.
"""

import os
import sys


def elf_interpreter(path):
    """The program interpreter (PT_INTERP) a 64-bit little-endian ELF file asks for, or None."""
    with open(path, "rb") as elf:
        data = elf.read(1 << 16)
    if data[:4] != b"\x7fELF":
        return None

    def number(at, size):
        return int.from_bytes(data[at : at + size], "little")

    table, entry_size, entries = number(0x20, 8), number(0x36, 2), number(0x38, 2)
    for header in range(table, table + entry_size * entries, entry_size):
        if number(header, 4) == 3:  # PT_INTERP
            start, size = number(header + 8, 8), number(header + 32, 8)
            return data[start : start + size].rstrip(b"\0").decode()
    return None


def used_paths(script, files):
    """Every file or directory the run used, as absolute paths (links not yet followed)."""
    found = {sys.executable, "/etc/ld.so.cache", *files}
    interpreter = elf_interpreter(sys.executable)
    found.update([interpreter] if interpreter else [])
    with open("/proc/self/maps") as maps:
        found.update(fields[5].strip() for fields in (line.split(None, 5) for line in maps) if len(fields) == 6)
    for module in list(sys.modules.values()):
        for name in ("__file__", "__cached__"):
            found.add(getattr(module, name, None) or "")
    found.update(sys.path)
    app = os.path.dirname(os.path.abspath(script))
    skip = (os.path.abspath(__file__), app + os.sep)
    return {p for p in found if p.startswith("/") and os.path.lexists(p) and p != app and not p.startswith(skip)}


def resolve(path, links):
    """The real path of ``path``; every symbolic link met on the way is added to ``links``."""
    todo, real, hops = path.strip("/").split("/")[::-1], "/", 0
    while todo:
        part = todo.pop()
        if part in ("", "."):
            continue
        if part == "..":
            real = os.path.dirname(real)
            continue
        step = os.path.join(real, part)
        if os.path.islink(step) and hops < 40:
            hops += 1
            links[step] = target = os.readlink(step)
            todo.extend(target.strip("/").split("/")[::-1])
            real = "/" if target.startswith("/") else real
            continue
        real = step
    return real


def keep_list(paths):
    """(real files and directories, links) for ``paths``, with the links that name a kept library beside it."""
    links = {}
    real = {resolve(path, links) for path in paths}
    for folder in {os.path.dirname(p) for p in real if ".so" in os.path.basename(p)}:
        for entry in os.scandir(folder):
            if entry.is_symlink() and resolve(entry.path, {}) in real:
                resolve(entry.path, links)
    return real, links


def copy_into(dest, real, links, archive=None):
    """Copy files and directories (mode kept) and recreate links under ``dest``; the bytes written.

    With ``archive`` (a zip file on sys.path), the standard library's ``.py``
    files are written into it, compressed, instead.
    """
    stdlib = os.path.dirname(os.__file__) + os.sep
    zipped = {p for p in real if archive and p.startswith(stdlib) and p.endswith(".py")}
    copied = 0
    for path in sorted(real - zipped):
        target = dest + path
        if os.path.isdir(path):
            os.makedirs(target, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(path, "rb") as source, open(target, "wb") as out:
            copied += out.write(source.read())
        os.chmod(target, os.stat(path).st_mode & 0o7777)
    for path, target in sorted(links.items()):
        os.makedirs(os.path.dirname(dest + path), exist_ok=True)
        os.symlink(target, dest + path)
    if zipped:
        import zipfile  # only now: the list of what the run used is complete

        with zipfile.ZipFile(dest + archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for path in sorted(zipped):
                out.write(path, path[len(stdlib) :])
        copied += os.path.getsize(dest + archive)
    return copied


def main():
    # No argparse: anything the tracer imports before the run would be kept as if the app used it.
    args, modules, files, archive = sys.argv[1:], [], [], None
    while args and args[0] in ("--module", "--file", "--zip"):
        if args[0] == "--zip":
            archive, args = next(p for p in sys.path if p.endswith(".zip")), args[1:]
            continue
        (modules if args[0] == "--module" else files).append(args[1])
        args = args[2:]
    dest, script, args = args[0], args[1], args[2:]
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    with open(script) as source:
        code = compile(source.read(), script, "exec")
    try:
        exec(code, {"__name__": "__main__", "__file__": script})
    except SystemExit as stop:
        if stop.code:
            raise
    for name in modules:
        __import__(name)
    real, links = keep_list(used_paths(script, files))
    copied = copy_into(os.path.abspath(dest), real, links, archive)
    for path in sorted(real | set(links)):
        print(("link " if path in links else "keep ") + path, file=sys.stderr)
    print(f"floor: {len(real)} files and directories, {len(links)} links, {copied} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
