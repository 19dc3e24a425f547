# The slim Debian image, with nothing added. The same packages as
# debian:trixie, unpacked through a dpkg filter that leaves out their
# manuals, docs and translations (/etc/dpkg/dpkg.cfg.d/docker). The
# filter stays in the image: a later "apt-get install" is slim too.
FROM debian:trixie-slim
