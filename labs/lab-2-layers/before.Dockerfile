# The source note's three steps, one RUN each: download an installer,
# install the part we need, remove the installer. Every RUN is a layer, and
# the first one keeps the 50 MB installer however late it is deleted.
FROM debian:trixie-slim

# 1. Download the installer (a stand-in for `curl -o`: 50 MB of fixed
#    pseudo-random bytes, the same on every build, that do not compress).
RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin
# 2. Install the part the app needs: its first megabyte.
RUN mkdir -p /opt/sdk \
 && head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin
# 3. Remove the installer: too late, layer 1 still holds it.
RUN rm -rf /tmp/installer

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
