# The same build, shipped on distroless static instead of scratch: it
# already holds CA certificates, time zones, /tmp and a "nonroot" user.
FROM golang:1.27-trixie AS build

WORKDIR /src
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .

FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /out/greeter /greeter
EXPOSE 8080
ENTRYPOINT ["/greeter"]
