# The trap: the source note's advice, followed literally. "Install numpy and
# pandas in the full official image, then copy the site-packages folder into
# an Alpine final image." It does not work, and this variant shows why.
#
# Stage 1, as the note says: install in the full, glibc-based image. The
# packages go to a folder of their own (--target) so it can be copied whole.
FROM python:3.13-trixie AS build

COPY requirements.txt /tmp/
RUN --mount=type=secret,id=ca-certificates,target=/etc/ssl/certs/ca-certificates.crt,required=false \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    pip install --no-cache-dir --no-binary=mmh3 --target=/site-packages -r /tmp/requirements.txt

# Stage 2: a small final image whose C library is not glibc. Alpine's is
# musl; no Alpine image is available where this guide's labs are verified,
# so this lab uses distroless static, which has no C library at all and
# fails for the same reason. Everything compiled in stage 1 (the
# interpreter, and the extension modules of numpy, pandas and mmh3) is
# linked against glibc and asks for glibc's loader,
# /lib64/ld-linux-x86-64.so.2, which neither image has (Alpine only with its
# gcompat shim). Alpine would bring its own Python, built for musl, and stop
# at the first import of a compiled module. Distroless static has no Python,
# so the build stage's interpreter is copied too, the nearest thing we have,
# and it stops even earlier: "no such file or directory" for a file that is
# there is the kernel failing to find that loader.
FROM gcr.io/distroless/static-debian13
COPY --from=build /site-packages /usr/local/lib/python3.13/site-packages
COPY --from=build /usr/local/bin/python3.13 /usr/local/bin/python3
ENV PYTHONPATH=/usr/local/lib/python3.13/site-packages
WORKDIR /app
COPY app/report.py .
ENTRYPOINT ["python3", "report.py"]
