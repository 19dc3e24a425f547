# Lab 5's layout: the dependencies go into a virtual environment in a build
# stage, which only the requirements file reaches; the final stage copies
# the environment, then the code.
FROM python:3.13-slim-trixie AS build
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/
RUN /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

FROM python:3.13-slim-trixie
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY . .

USER 65532:65532
ENTRYPOINT ["python", "report.py"]
