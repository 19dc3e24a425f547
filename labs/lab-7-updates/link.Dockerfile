# after, with COPY --link for the code: the layer is made on its own, not on
# top of the ones below, so a change of the layers BELOW it (a new base, new
# dependencies) need not rebuild it. A change of the code itself, which is
# what an update of this app is, still makes one new layer, as without --link.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --link . .

USER 65532:65532
ENTRYPOINT ["python", "report.py"]
