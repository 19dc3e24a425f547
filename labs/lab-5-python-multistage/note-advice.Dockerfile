# The trap: the source note's advice, followed literally. "Install numpy and
# pandas in the full official image, then copy the site-packages folder into
# an Alpine final image." It does not work, and this file shows why.
#
# Stage 1, as the note says: install in the full, glibc-based image. The
# packages go to a folder of their own (--target) so it can be copied whole.
FROM python:3.13-trixie AS build

COPY requirements.txt /tmp/
RUN pip install --no-cache-dir --no-binary=mmh3 --target=/site-packages \
    -r /tmp/requirements.txt

# Stage 2: Alpine's Python, the same version (3.13), so the interpreter
# itself runs. It is built against musl, not glibc, and it only imports
# compiled modules built for musl: their file names end in
# .cpython-313-x86_64-linux-musl.so. Every compiled module stage 1 installed
# (mmh3, and the C parts of numpy and pandas) was built for glibc and is
# named ...-linux-gnu.so. The files are all there, and Python does not even
# try them. (import mmh3 seems to work: the package's folder of type stubs
# is imported as an empty namespace package.) numpy's own import of its
# compiled core fails: "No module named 'numpy._core._multiarray_umath'".
FROM python:3.13-alpine
COPY --from=build /site-packages /usr/local/lib/python3.13/site-packages
WORKDIR /app
COPY app/report.py .
ENTRYPOINT ["python3", "report.py"]
