# Distroless: the Python interpreter and the libraries it links, with no
# shell, no package manager and no pip. The base's ENTRYPOINT is the
# interpreter itself; we set the script in the ENTRYPOINT too, so that
# arguments given to `docker run` (such as --selfcheck) reach the app.
FROM gcr.io/distroless/python3-debian13

WORKDIR /app
COPY app/server.py .
# distroless' "nonroot" user, by number: no /etc/passwd lookup needed.
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["python3", "/app/server.py"]
