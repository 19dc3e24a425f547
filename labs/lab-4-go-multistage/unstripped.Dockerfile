# after.Dockerfile without -trimpath and -ldflags="-s -w": the same static
# binary on scratch, keeping its symbol table and DWARF debug information.
# It runs the same; the difference in size is what the two flags save.
FROM golang:1.27-trixie AS build

WORKDIR /src
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -o /out/greeter .

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/greeter /greeter
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/greeter"]
