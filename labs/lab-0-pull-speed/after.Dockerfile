# The same script on distroless Python: the interpreter and the libraries it
# links, no shell and no package manager, run as the unprivileged "nonroot"
# user.
FROM gcr.io/distroless/python3-debian13

WORKDIR /app
COPY app/hello.py .
USER 65532:65532
ENTRYPOINT ["python3", "/app/hello.py"]
