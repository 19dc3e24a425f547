# Exercise (lab 1): make this image at most a fifth of its current size,
# without changing what the app does.
# Run `make lab-1` to grade it; the goals and hints point to the guide.
#
# TODO 1: the app (app/server.py) uses Python's standard library only. Look
#         at what the base below adds besides Python (compilers, -dev headers,
#         git, curl) and pick a smaller variant of the same official image:
#         same Python version, same Debian release.
# TODO 2: keep a shell and apt in the image, for debugging and for adding
#         packages later (a goal checks both): stay on a Debian-based image.
FROM python:3.13-trixie

WORKDIR /app
COPY app/server.py .
EXPOSE 8000
ENTRYPOINT ["python", "server.py"]
