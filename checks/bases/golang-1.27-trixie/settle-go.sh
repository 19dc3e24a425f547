#!/bin/sh
# After ADD go.tar /usr/local/, for the golang:1.27 stand-ins (golang-1.27-alpine
# links here): check that /usr/local/go is the release GOLANG_VERSION names and
# that go runs, then make GOPATH's folders as the official images do.
#
#   settle-go.sh [nocgo]      nocgo: also check that cgo is off (no C compiler)
#
# go runs with a home of its own, so that the counters Go's telemetry keeps in
# ~/.config/go stay out of the image.
set -eux
[ "$(head -n 1 /usr/local/go/VERSION)" = "go$GOLANG_VERSION" ]
home="$(mktemp -d)"
if [ "${1:-}" = nocgo ]; then
	[ "$(HOME="$home" go env CGO_ENABLED)" = 0 ]
fi
HOME="$home" go version
rm -rf "$home"
mkdir -p "$GOPATH/src" "$GOPATH/bin"
chmod -R 1777 "$GOPATH"
