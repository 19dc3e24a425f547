# The floor: the same service as a static Go binary (floor/main.go) on an
# empty image. Nothing ships but the program, because it needs no interpreter.
FROM golang:1.27-trixie AS build

WORKDIR /src
COPY floor/ ./
# CGO_ENABLED=0: a static binary that needs no C library at run time.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello .

FROM scratch
COPY --from=build /out/hello /hello
USER 65532:65532
EXPOSE 8000
ENTRYPOINT ["/hello"]
