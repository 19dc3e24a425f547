# Stage 1: build a virtual environment in the full image, which has gcc and
# the Python headers that compiling mmh3 from source needs.
FROM python:3.13-trixie AS build

# A venv keeps the app's packages in one folder that can be copied whole,
# with their scripts and metadata. It holds no interpreter: its bin/python is
# a symlink to the one that made it (/usr/local/bin/python here), so the
# final image must have that interpreter at that path. The slim image of the
# same Python version does.
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/
RUN /opt/venv/bin/pip install --no-cache-dir --no-binary=mmh3 \
    -r /tmp/requirements.txt

# Stage 2: the same Python, on the same distribution, without the tool chain.
# Extension modules built on trixie's glibc load on trixie's glibc.
FROM python:3.13-slim-trixie
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY app/report.py .
# Numeric uid:gid: in a Debian image "USER 65532" alone would keep group 0.
USER 65532:65532
ENTRYPOINT ["python", "report.py"]
