# Everything goes in: the whole project folder (with no .dockerignore, that
# includes .git, .venv, caches, test data and the .env file with its
# secret), apt's package lists and recommended packages, and pip's cache.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY . .

# curl, for a HEALTHCHECK. Without --no-install-recommends apt also installs
# what curl's libraries merely recommend; the package lists stay behind.
RUN apt-get update && apt-get install -y curl

RUN pip install -r requirements.txt

EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/ || exit 1
ENTRYPOINT ["python", "app.py"]
