# after.Dockerfile written as a heredoc: one RUN, one layer, one command a
# line, and no `&& \` to forget. A heredoc script does not stop at the first
# failing command unless it says so: hence `set -eu`.
FROM debian:trixie-slim

RUN <<EOF
set -eu
# 1. Download the installer (50 MB of fixed pseudo-random bytes).
mkdir /tmp/installer
perl -e 'srand 42;' \
  -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
  > /tmp/installer/sdk.bin
# 2. Install the part the app needs.
mkdir -p /opt/sdk
head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin
# 3. Remove the installer, in the same layer.
rm -rf /tmp/installer
EOF

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
