# The trap: the image of after.Dockerfile, with a later version of the app.
# The new version imports xml.dom.minidom inside its request handler, and the
# keep-list is the one computed for the version before it: this stage traces
# app/server.py exactly as after.Dockerfile does. That is what a list is
# whenever it is computed once and reused: kept in the repository, cached
# from an earlier build, or traced on a workload that never reached the new
# code. The image builds, the interpreter starts, the app imports; its first
# request fails with ModuleNotFoundError, because no xml package was copied.
FROM gcr.io/distroless/python3-debian13 AS trace
COPY floor.py /trace/floor.py
COPY app/server.py /app/server.py
RUN ["python3", "-B", "/trace/floor.py", \
     "--module", "traceback", "--module", "tokenize", \
     "--file", "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1", \
     "/floor", "/app/server.py", "--selfcheck"]

FROM scratch
COPY --from=trace /floor/ /
# The later version, which the list above never saw.
COPY lazy/server.py /app/server.py
ENV LANG=C.UTF-8
WORKDIR /app
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["/usr/bin/python3.13", "/app/server.py"]
