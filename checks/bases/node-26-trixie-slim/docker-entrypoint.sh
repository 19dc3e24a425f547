#!/bin/sh
# The node images' entrypoint: run the command given, or node with the
# arguments given when the first one is an option (-e ...), names no command,
# or is a file that is not executable (a script: docker run node:26 app.js).
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && [ ! -x "$1" ]; }; then
	set -- node "$@"
fi
exec "$@"
