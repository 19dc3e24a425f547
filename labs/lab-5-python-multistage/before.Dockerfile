# Single stage: the image that runs the job is the one that compiled its
# dependencies, so it ships gcc, the Python headers, the -dev libraries and
# everything else the full image carries for building.
FROM python:3.13-trixie

WORKDIR /app
COPY requirements.txt .
# mmh3 is built from source (--no-binary=mmh3), which is why this image needs
# a compiler at all.
RUN pip install --no-cache-dir --no-binary=mmh3 -r requirements.txt
COPY app/report.py .

ENTRYPOINT ["python", "report.py"]
