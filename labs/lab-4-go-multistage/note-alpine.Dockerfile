# The note's own starting point, brought up to date: one stage on the Go
# Alpine image (the note names golang:1.16-alpine; Go 1.27 is what the other
# Dockerfiles here build with). Alpine is small, but the image that runs the
# service is still the one that built it: the whole Go tool chain and the
# source ship.
FROM golang:1.27-alpine

WORKDIR /src
COPY app/ .
RUN go build -o /usr/local/bin/greeter .

EXPOSE 8080
ENTRYPOINT ["greeter"]
