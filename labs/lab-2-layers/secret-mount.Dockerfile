# The fix: hand the token to the one RUN that needs it as a BuildKit secret.
# It is a file under /run/secrets/ while that RUN runs and in no layer, so
# there is nothing to delete afterwards and nothing left to find.
FROM debian:trixie-slim

# Build it with the token as a secret:
# docker buildx build --secret id=api-token,src=fake-api-token ...
# required=true makes a build without it fail here rather than later.
RUN --mount=type=secret,id=api-token,required=true \
    mkdir -p /etc/sdk \
 && token=$(cat /run/secrets/api-token) \
 && test -n "$token" \
 && echo 'the client reads its token from a secret at build time;' \
      'none is stored' > /etc/sdk/README

COPY --chmod=0755 app/report.sh /usr/local/bin/report
CMD ["report"]
