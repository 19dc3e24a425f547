# Stage 1: build a static binary with the full Go image.
FROM golang:1.27-trixie AS build

WORKDIR /src
# Dependencies first: this layer stays cached until go.mod changes.
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
# CGO_ENABLED=0 gives a static binary that needs no libc at run time;
# -trimpath and -ldflags="-s -w" drop build paths and debug symbols.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .

# Stage 2: ship only what runs. scratch is empty, so bring the CA
# certificates for outgoing HTTPS and run as an unprivileged user.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/greeter /greeter
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/greeter"]
