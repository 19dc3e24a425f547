# The same three steps in one RUN: the installer is created and removed
# before the layer is written, so it never reaches the image.
FROM debian:trixie-slim

# The price of merging: the cache keeps only the whole step. Edit any part of
# this RUN and all of it runs again, download included; with separate RUNs,
# editing step 2 would have reused step 1 from the cache.
RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin \
 && mkdir -p /opt/sdk \
 && head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin \
 && rm -rf /tmp/installer

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
