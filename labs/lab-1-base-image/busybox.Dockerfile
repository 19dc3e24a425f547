# The same static binary on busybox: a shell and a few hundred small tools
# (ls, wget, vi) for debugging, for a few megabytes more than scratch.
FROM golang:1.27-trixie AS build

WORKDIR /src
COPY floor/ ./
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello .

FROM busybox
COPY --from=build /out/hello /usr/local/bin/hello
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/hello"]
