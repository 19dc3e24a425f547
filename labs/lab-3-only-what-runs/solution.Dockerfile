# Only what runs: solution.Dockerfile.dockerignore, next to this file, lets only
# app.py and requirements.txt into the build context; apt installs no
# recommended packages and its lists are deleted in the same RUN; pip keeps
# no cache.
FROM python:3.13-slim-trixie

RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Requirements first: this layer stays cached until requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/ || exit 1
ENTRYPOINT ["python", "app.py"]
