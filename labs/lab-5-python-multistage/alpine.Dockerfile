# The right way on Alpine: install the packages with the interpreter that
# runs the job. pip on Alpine's Python asks for musllinux wheels, and numpy,
# pandas and mmh3 all publish them, so nothing is compiled: no compiler is
# needed, and none is in the image. (Building mmh3 from source, as the other
# Dockerfiles here do, would need "apk add build-base" in the build stage.)
FROM python:3.13-alpine AS build

RUN python -m venv /opt/venv
COPY requirements.txt /tmp/
RUN /opt/venv/bin/pip install --no-cache-dir --only-binary=:all: \
    -r /tmp/requirements.txt

# The same Python on the same musl: what was built for it runs on it.
FROM python:3.13-alpine
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY app/report.py .
USER 65532:65532
ENTRYPOINT ["python", "report.py"]
