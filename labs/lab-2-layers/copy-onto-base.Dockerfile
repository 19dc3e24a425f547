# The trap: "flatten onto the base" by copying the whole filesystem of the
# build stage on top of the base image. It looks like a squash and is not one.
FROM debian:trixie-slim AS build

RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin
RUN mkdir -p /opt/sdk \
 && head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin
RUN rm -rf /tmp/installer
COPY --chmod=0755 app/report.sh /usr/local/bin/report

# COPY writes every file it copies into its layer, whether or not the layer
# below already holds the same bytes: a layer is not a diff against the
# layers under it. So this layer holds the whole base again, next to the
# base's own layer, and a node that has the base still downloads it twice.
FROM debian:trixie-slim
COPY --from=build / /
CMD ["report"]
