# Exercise (lab 4): make this image at most 2% of its current size.
# Run `make lab-4` to grade it; the goals and hints point to the guide.
#
# TODO 1: name this stage (FROM ... AS build): it only compiles.
# TODO 2: build a static binary: CGO_ENABLED=0, and drop debug data with
#         -trimpath -ldflags="-s -w".
# TODO 3: start a second stage FROM scratch (or a distroless static image)
#         and COPY --from=build only the binary and the CA certificates
#         (/etc/ssl/certs/ca-certificates.crt).
# TODO 4: run as an unprivileged user: USER 65532:65532.
FROM golang:1.27-trixie

WORKDIR /src
COPY app/ .
RUN go build -o /usr/local/bin/greeter .

EXPOSE 8080
ENTRYPOINT ["greeter"]
