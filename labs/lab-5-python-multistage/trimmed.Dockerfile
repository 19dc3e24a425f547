# The multi-stage image of after.Dockerfile, with the venv trimmed in the build
# stage: the test suites packages install beside their code, and the bytecode
# pip compiled at install time. Deleting them in the build stage costs nothing:
# the final image only ever receives the trimmed folder.
FROM python:3.13-trixie AS build

RUN python -m venv /opt/venv
COPY requirements.txt /tmp/
RUN /opt/venv/bin/pip install --no-cache-dir --no-binary=mmh3 \
    -r /tmp/requirements.txt
# Test suites (numpy/_core/tests, pandas/tests, ...): no package imports its own
# tests to run, and the app runs the same without them. Bytecode: Python
# compiles a module again when it finds no .pyc, in memory when it cannot
# write one (as here, where the user owns nothing in the venv).
RUN find /opt/venv -depth -type d \( -name tests -o -name __pycache__ \) \
        -exec rm -rf {} + \
 && find /opt/venv -name '*.pyc' -delete

FROM python:3.13-slim-trixie
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY app/report.py .
USER 65532:65532
ENTRYPOINT ["python", "report.py"]
