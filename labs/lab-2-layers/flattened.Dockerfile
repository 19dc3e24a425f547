# Flattening: what `docker export | docker import` makes of the three-RUN
# image, written as a plain build. The build stage is before.Dockerfile; the
# final stage copies its whole filesystem onto nothing, so the image is ONE
# layer holding the base and the app together, and the installer deleted in
# step 3 is really gone.
FROM debian:trixie-slim AS build

RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin
RUN mkdir -p /opt/sdk \
 && head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin
RUN rm -rf /tmp/installer
COPY --chmod=0755 app/report.sh /usr/local/bin/report

# The price: no layer is the base's any more. A node that already holds
# debian:trixie-slim still downloads all of it again, inside this one layer,
# and so on every update of the app.
FROM scratch
COPY --from=build / /
# Real `docker export | docker import` also loses the image's configuration
# (CMD, ENV, USER, WORKDIR): it has to be given again, as here.
CMD ["report"]
