# Multi-stage: keep the base, copy only what the app needs. The build stage is
# before.Dockerfile, installer and all; the final stage takes the finished
# files from it, so the installer never reaches the image and the base's
# layer stays the base's, shared with every image built on it.
FROM debian:trixie-slim AS build

RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin
RUN mkdir -p /opt/sdk \
 && head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin
RUN rm -rf /tmp/installer
COPY --chmod=0755 app/report.sh /usr/local/bin/report

FROM debian:trixie-slim
COPY --from=build /opt/sdk /opt/sdk
COPY --from=build /usr/local/bin/report /usr/local/bin/report
CMD ["report"]
