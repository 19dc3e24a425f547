# after.Dockerfile, with the standard-library modules the run imported in
# one compressed zip file instead of one file each. sys.path already names
# /usr/lib/python313.zip, so Python imports from it with no setting at all;
# the zip holds source only (zipimport never writes bytecode), so each start
# compiles the modules it imports, in memory.
#
# The trace runs in the very image whose files it copies, so the interpreter
# that ships is the one that computed the list. Distroless has no shell: the
# exec form of RUN starts python3 directly. -B: the trace writes no bytecode
# that the list would then leave behind.
FROM gcr.io/distroless/python3-debian13 AS trace
COPY floor.py /trace/floor.py
COPY app/server.py /app/server.py
# The workload the trace sees is the app's self-check: serve, GET /, print the
# answer. Whatever that run imports or maps, even at request time, is kept.
# What it never did is added by hand, as slim's --include-path does: the
# modules that print a traceback (imported only when there is one to print)
# and libgcc_s, which glibc loads only to unwind a thread stopped at exit.
RUN ["python3", "-B", "/trace/floor.py", \
     "--module", "traceback", "--module", "tokenize", \
     "--file", "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1", \
     "--zip", "/floor", "/app/server.py", "--selfcheck"]

# Stage 2: the interpreter, the loader and the libraries the run mapped, the
# standard-library modules it imported, and the app.
FROM scratch
COPY --from=trace /floor/ /
COPY app/server.py /app/server.py
# What distroless sets for its interpreter: a UTF-8 locale name.
ENV LANG=C.UTF-8
WORKDIR /app
# distroless' "nonroot" user, by number: there is no /etc/passwd here at all.
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["/usr/bin/python3.13", "/app/server.py"]
