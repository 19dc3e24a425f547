# The multi-stage build, made reproducible on any engine: the same inputs give
# the same image id. SOURCE_DATE_EPOCH (pass it as a build argument)
# fixes the image's own dates; the files' times are set to it here, in the
# build stage, because the classic image store keeps the time each file was
# written.
FROM golang:1.27-trixie AS build
ARG SOURCE_DATE_EPOCH

WORKDIR /src
COPY app/go.mod ./
RUN go mod download
COPY app/ ./
# Lay out the final filesystem under /out, then give every entry one time.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter . \
    && mkdir -p /out/etc/ssl/certs \
    && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
    && find /out -exec touch --no-dereference \
        --date="@${SOURCE_DATE_EPOCH}" {} +

# One COPY of the whole tree: the directories it creates come with the times
# set above, not the time of the build.
FROM scratch
COPY --from=build /out/ /
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/greeter"]
