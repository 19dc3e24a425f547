# The slim image: the same Python on a minimal Debian, without compilers,
# headers or version control. Only the FROM line differs from before.Dockerfile;
# a shell and apt are still there, for debugging and for adding packages.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY app/server.py .
EXPOSE 8000
ENTRYPOINT ["python", "server.py"]
