# The same files, given their owner as they are copied: one layer, one copy.
FROM debian:trixie-slim AS assets
RUN mkdir /assets \
 && perl -e 'srand 7;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /assets/data.bin

FROM debian:trixie-slim
COPY --from=assets --chown=65532:65532 /assets /srv/assets

COPY --chmod=0755 app/report.sh /usr/local/bin/report
USER 65532:65532
CMD ["report"]
