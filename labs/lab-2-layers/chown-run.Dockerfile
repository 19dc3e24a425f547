# Copy files in, then hand them to the app's user in a RUN of their own.
# Changing a file's owner changes the file, so the chown layer stores a
# second full copy of all 50 MB.
FROM debian:trixie-slim AS assets
# Files the app needs, made in a build stage (think of built front-end
# assets or a model file): 50 MB of fixed pseudo-random bytes.
RUN mkdir /assets \
 && perl -e 'srand 7;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /assets/data.bin

FROM debian:trixie-slim
COPY --from=assets /assets /srv/assets
RUN chown -R 65532:65532 /srv/assets

COPY --chmod=0755 app/report.sh /usr/local/bin/report
USER 65532:65532
CMD ["report"]
