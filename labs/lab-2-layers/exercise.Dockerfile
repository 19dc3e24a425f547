# Exercise (lab 2): make this image at most 70% of its current size (90 MB
# at most, in three layers) while it installs exactly the same files.
# Run `make lab-2` to grade it; the goals and hints point to the guide.
#
# TODO 1: step 3 deletes the installer too late: a RUN writes a layer when it
#         ends, and a later layer can hide a file but never shrink the layer
#         below. Make the installer disappear before its layer is written.
# TODO 2: count the layers: every RUN, COPY and ADD adds one. The goal is
#         three: the base, one install step and the app.
# Leave the commands themselves as they are: the grader compares the
# installed file (/opt/sdk/lib.bin) with the one this Dockerfile makes.
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
# 3. Remove the installer.
RUN rm -rf /tmp/installer

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
