# after, with the module list typed instead of asked of jdeps:
# the runtime lacks a module the app requires.
FROM eclipse-temurin:21-jdk AS build

WORKDIR /src
COPY app/src/ src/
RUN mkdir -p /out \
    && javac -d classes $(find src -name '*.java') \
    && jar --create --file /out/app.jar --main-class slimlab.Main -C classes .
# The trap: java.base by hand, as if the app needed nothing more. It needs
# jdk.httpserver too, and the runtime refuses to start it, naming the module.
RUN jlink --add-modules java.base \
        --strip-debug --no-header-files --no-man-pages \
        --output /out/java

FROM debian:trixie-slim
COPY --from=build /out/java /opt/java
COPY --from=build /out/app.jar /app/app.jar
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/opt/java/bin/java", \
            "--module-path", "/app/app.jar", "--module", "slimlab.app"]
