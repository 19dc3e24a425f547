# The trap: a token written into a config file in one RUN and deleted in the
# next. The delete is a whiteout in a new layer; the layer below still holds
# the file, token and all, for anyone who has the image to read.
FROM debian:trixie-slim

# 1. Configure a client with a token. This one is fake: ghp_ and a fixed test
#    pattern, put together from parts so that no file here holds it whole.
RUN mkdir -p /etc/sdk \
 && printf 'token = "%s_%s"\n' ghp 0123456789abcdefghijklmnopqrstuvwxyz \
      > /etc/sdk/credentials.toml
# 2. Remove the credentials once the client is set up: too late, layer 1
#    keeps them.
RUN rm /etc/sdk/credentials.toml

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
