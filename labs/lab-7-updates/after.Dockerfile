# Dependencies first, then the code: a change to the code leaves the
# requirements file, and so the install layer, as they were. The builder
# takes the install from its cache; a node that holds the release before
# pulls only the code layer.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

USER 65532:65532
ENTRYPOINT ["python", "report.py"]
