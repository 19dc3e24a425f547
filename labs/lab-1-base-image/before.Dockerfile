# The full Python image: Debian with compilers, -dev headers, git, curl and
# more, plus Python. Handy for building C extensions; this app, which uses the
# standard library only, needs none of it at run time.
FROM python:3.13-trixie

WORKDIR /app
COPY app/server.py .
EXPOSE 8000
ENTRYPOINT ["python", "server.py"]
