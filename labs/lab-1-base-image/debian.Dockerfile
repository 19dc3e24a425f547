# The full Debian image, with nothing added: what debian-slim.Dockerfile
# is measured against. The same packages as debian:trixie-slim, with
# their manuals, docs and translations, and no compiler: the compilers
# of python:3.13-trixie come from buildpack-deps, the layers on top.
FROM debian:trixie
