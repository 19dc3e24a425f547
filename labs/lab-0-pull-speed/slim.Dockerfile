# The same script on the slim Python image: only the FROM line changed.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY app/hello.py .
ENTRYPOINT ["python", "hello.py"]
