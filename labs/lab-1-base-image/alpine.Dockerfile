# Alpine: the same Python version, compiled against musl instead of glibc,
# on BusyBox instead of Debian. Only the FROM line differs from
# before.Dockerfile. A shell is still there; Alpine's package manager is apk,
# not apt.
FROM python:3.13-alpine

WORKDIR /app
COPY app/server.py .
EXPOSE 8000
ENTRYPOINT ["python", "server.py"]
