# The reference point: download 50 MB and never delete it.
FROM debian:trixie-slim

# A stand-in for `curl -o`: 50 MB of fixed pseudo-random bytes (Perl's
# seeded generator), the same on every build and as incompressible as a
# real download.
RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
