# One Dockerfile for the image you ship and for its tests. Built without
# --target, it ships the last stage, and BuildKit runs only the stages that
# one needs: never the tests. `docker build --target test .` runs them.

# Shared by build and test: the modules are downloaded once.
FROM golang:1.27-trixie AS base
WORKDIR /src
COPY app/go.mod ./
RUN go mod download
COPY app/ ./

FROM base AS build
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .

FROM base AS test
RUN --mount=type=cache,target=/root/.cache/go-build go test ./...

# The stage you ship: the binary, and the CA bundle and the user list
# copied straight from the distroless image, which has them ready.
FROM scratch
COPY --from=gcr.io/distroless/static-debian13 \
    /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=gcr.io/distroless/static-debian13 /etc/passwd /etc/group /etc/
COPY --from=build /out/greeter /greeter
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/greeter"]
