# Build on the JDK, then make a Java runtime of only the modules the app uses
# (jdeps finds them, jlink links them), and ship that runtime and the jar on
# a slim base.
FROM eclipse-temurin:21-jdk AS build

WORKDIR /src
COPY app/src/ src/
RUN mkdir -p /out \
    && javac -d classes $(find src -name '*.java') \
    && jar --create --file /out/app.jar --main-class slimlab.Main -C classes .
# jdeps lists the modules the jar needs (java.base, jdk.httpserver); jlink
# links just those, without debug information, headers or manuals.
RUN modules="$(jdeps --print-module-deps --ignore-missing-deps /out/app.jar)" \
    && jlink --add-modules "$modules" \
        --strip-debug --no-header-files --no-man-pages \
        --output /out/java

FROM debian:trixie-slim
COPY --from=build /out/java /opt/java
COPY --from=build /out/app.jar /app/app.jar
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/opt/java/bin/java", \
            "--module-path", "/app/app.jar", "--module", "slimlab.app"]
