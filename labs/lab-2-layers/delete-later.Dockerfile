# The trap: delete the 50 MB in a later RUN. The delete only hides the file
# in a new layer; the layer below still holds every byte, so the image is no
# smaller than never-delete.Dockerfile.
FROM debian:trixie-slim

RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin
RUN rm -rf /tmp/installer

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
