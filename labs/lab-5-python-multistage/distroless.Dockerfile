# The venv on distroless Python: no shell, no pip, no package manager.
#
# Distroless Python is Debian's own python3.13 at /usr/bin/python3.13, not
# the python.org build in /usr/local that the python:3.13 images carry. A
# venv's bin/python is a symlink to the interpreter that made it, so a venv
# made in python:3.13-trixie points at /usr/local/bin/python, which does not
# exist in distroless: the copy would not start. Build the venv with the
# interpreter distroless ships instead: Debian's python3.13 on the same
# Debian release, as the distroless project's own Python example does.
FROM debian:trixie-slim AS build

# gcc and the headers compile mmh3; ca-certificates gives pip the CA bundle
# it checks PyPI's certificate with (debian:trixie-slim has none).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        ca-certificates gcc libc6-dev python3.13-dev python3.13-venv \
 && rm -rf /var/lib/apt/lists/*

# bin/python3.13 -> /usr/bin/python3.13: the same path in distroless.
RUN python3.13 -m venv /opt/venv
COPY requirements.txt /tmp/
RUN /opt/venv/bin/pip install --no-cache-dir --no-binary=mmh3 \
    -r /tmp/requirements.txt

FROM gcr.io/distroless/python3-debian13
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY app/report.py .
USER 65532:65532
# The image's entrypoint is the bare interpreter; replace it with the venv's.
ENTRYPOINT ["/opt/venv/bin/python", "report.py"]
