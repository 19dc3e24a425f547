# Single stage: the image that runs the service is the one that built it,
# so it ships the Go toolchain, a C compiler, git and the source code.
FROM golang:1.27-trixie

WORKDIR /src
COPY app/ .
RUN go build -o /usr/local/bin/greeter .

EXPOSE 8080
ENTRYPOINT ["greeter"]
