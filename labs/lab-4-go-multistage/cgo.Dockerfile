# The trap: after.Dockerfile without CGO_ENABLED=0. The Go image has a C
# compiler, so cgo is on by default and the net package links the C library's
# resolver: the binary is dynamically linked against glibc and needs its
# loader, /lib64/ld-linux-x86-64.so.2, which scratch does not have. It builds
# without a warning and fails the moment it starts.
FROM golang:1.27-trixie AS build

WORKDIR /src
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/greeter .

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/greeter /greeter
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/greeter"]
