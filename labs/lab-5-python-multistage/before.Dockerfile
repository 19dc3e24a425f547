# Single stage: the image that runs the job is the one that compiled its
# dependencies, so it ships gcc, the Python headers, the -dev libraries and
# everything else the full image carries for building.
FROM python:3.13-trixie

WORKDIR /app
COPY requirements.txt .
# mmh3 is built from source (--no-binary=mmh3), which is why this image needs
# a compiler at all. The secret mount lends the build the host's CA bundle
# when it has one (behind a TLS-intercepting proxy); elsewhere the image's
# own bundle is used.
RUN --mount=type=secret,id=ca-certificates,target=/etc/ssl/certs/ca-certificates.crt,required=false \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    pip install --no-cache-dir --no-binary=mmh3 -r requirements.txt
COPY app/report.py .

ENTRYPOINT ["python", "report.py"]
