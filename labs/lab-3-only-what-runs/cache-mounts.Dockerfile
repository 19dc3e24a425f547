# after.Dockerfile the modern way: apt's and pip's caches live in BuildKit
# cache mounts, outside the image. Nothing needs deleting, and the next build
# reuses the downloads (cache-mounts.Dockerfile.dockerignore is after's).
FROM python:3.13-slim-trixie

# Debian images delete downloaded .deb files after each install
# (docker-clean); keep them, since they now land in the cache mount.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean \
 && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' \
        > /etc/apt/apt.conf.d/keep-cache \
 && apt-get update \
 && apt-get install -y --no-install-recommends curl

WORKDIR /app
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
COPY . .

EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/ || exit 1
ENTRYPOINT ["python", "app.py"]
