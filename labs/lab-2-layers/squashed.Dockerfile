# What `docker build --squash` makes of the three-RUN image: the base's layers
# as they are, plus ONE layer holding only the net change of every later step.
# The real flag needs the legacy builder with the engine's experimental mode
# on (BuildKit ignores it), so this file computes the same layer with a plain
# build: compare the finished filesystem with the base's, file by file.
FROM debian:trixie-slim AS build

RUN mkdir /tmp/installer \
 && perl -e 'srand 42;' \
      -e 'print pack "N*", map int rand 2**32, 1..250_000 for 1..50' \
      > /tmp/installer/sdk.bin
RUN mkdir -p /opt/sdk \
 && head -c 1000000 /tmp/installer/sdk.bin > /opt/sdk/lib.bin
RUN rm -rf /tmp/installer
COPY --chmod=0755 app/report.sh /usr/local/bin/report

# The net change: every path of the build stage (/new) that the base (/old)
# does not have, or has with another type, owner, mode, link target or
# content, goes to /delta, with the directories above it as /new has them (so
# copying /delta over the base cannot change the mode of /tmp, say). Times
# are not compared: a file rewritten with the same bytes is no change here.
# What this cannot express: a file of the base that a later step deleted. A
# real squash records it as a whiteout; COPY can only add files.
FROM debian:trixie-slim AS delta
RUN --mount=type=bind,from=build,target=/new \
    --mount=type=bind,from=debian:trixie-slim,target=/old \
    bash <<'SCRIPT'
set -euo pipefail
cd /new
changed() {
    local path=$1 old=/old/$1
    [ -e "$old" ] || [ -L "$old" ] || return 0
    [ "$(stat -c %f:%u:%g "$path")" = "$(stat -c %f:%u:%g "$old")" ] || return 0
    if [ -L "$path" ]; then
        [ "$(readlink "$path")" != "$(readlink "$old")" ]
    elif [ -f "$path" ]; then
        ! cmp -s "$path" "$old"
    else
        return 1
    fi
}
find . -mindepth 1 -print0 | while IFS= read -r -d '' path; do
    if changed "$path"; then
        parent=$path
        while parent=$(dirname "$parent") && [ "$parent" != . ]; do
            printf '%s\0' "$parent"
        done
        printf '%s\0' "$path"
    fi
done | sort -zu > /tmp/delta.list
mkdir /delta
tar --null --no-recursion -T /tmp/delta.list -cf - | tar -xpf - -C /delta
SCRIPT

# The squashed image: the base's layer, shared with every image built on it,
# and one layer of the net change.
FROM debian:trixie-slim
COPY --from=delta /delta/ /
CMD ["report"]
