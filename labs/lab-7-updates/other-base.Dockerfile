# The same other app on another base: a node that runs after holds none of
# its layers.
FROM gcr.io/distroless/python3-debian13

WORKDIR /app
COPY status.py .

USER 65532:65532
ENTRYPOINT ["/usr/bin/python3", "status.py"]
