# after.Dockerfile with one technique undone: apt's package lists are not
# removed, so the layer keeps what apt-get update downloaded. Everything else
# is after's.
FROM python:3.13-slim-trixie

RUN apt-get update \
 && apt-get install -y --no-install-recommends curl

WORKDIR /app
# Requirements first: this layer stays cached until requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .

EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/ || exit 1
ENTRYPOINT ["python", "app.py"]
