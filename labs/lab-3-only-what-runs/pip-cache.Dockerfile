# after.Dockerfile with one technique undone: pip install without
# --no-cache-dir, so the layer keeps pip's cache (the wheel pip built from
# docopt's source distribution). Everything else is after's.
FROM python:3.13-slim-trixie

RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Requirements first: this layer stays cached until requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/ || exit 1
ENTRYPOINT ["python", "app.py"]
