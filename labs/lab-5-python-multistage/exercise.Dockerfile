# Exercise (lab 5): ship the job without the compiler that built mmh3.
# Run `make lab-5` to grade it; each failed goal links to the guide.
#
# TODO 1: name this stage (FROM python:3.13-trixie AS build) and install the
#         requirements into a virtual environment (python -m venv /opt/venv),
#         so everything the job needs lives in one folder.
# TODO 2: start a second stage FROM python:3.13-slim-trixie: its interpreter
#         sits at the same path, so the venv works there as it is.
# TODO 3: COPY --from=build only the venv and report.py, put the venv's bin
#         first on PATH, and run as an unprivileged user: USER 65532:65532.
# Do not copy site-packages into an image with another C library or another
# Python: the guide's note-advice.Dockerfile shows why that fails.
FROM python:3.13-trixie

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --no-binary=mmh3 -r requirements.txt
COPY app/report.py .

ENTRYPOINT ["python", "report.py"]
