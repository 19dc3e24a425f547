# Exercise (lab 7): make a new release of this app, which changes only its
# code, build at least twice as fast on a warm builder, and send a node that
# holds the release before only the code. Run `make lab-7` to grade it.
#
# TODO 1: copy only requirements.txt before the pip install, so that a
#         change to the code leaves the install's layer, and its cache, alone.
# TODO 2: copy the rest of the code after the install.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt

USER 65532:65532
ENTRYPOINT ["python", "report.py"]
