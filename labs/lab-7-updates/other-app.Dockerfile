# Another app of the same fleet, on the same base as after: a node that runs
# after already holds every layer of the base.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY status.py .

USER 65532:65532
ENTRYPOINT ["python", "status.py"]
