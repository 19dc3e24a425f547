# Build on the JDK, run on distroless java: the whole Java runtime again, but
# no shell, no package manager, and a non-root user.
FROM eclipse-temurin:21-jdk AS build

WORKDIR /src
COPY app/src/ src/
RUN mkdir -p /out \
    && javac -d classes $(find src -name '*.java') \
    && jar --create --file /out/app.jar --main-class slimlab.Main -C classes .

FROM gcr.io/distroless/java21-debian13
COPY --from=build /out/app.jar /app/app.jar
USER 65532:65532
EXPOSE 8080
# distroless java's ENTRYPOINT is java -jar; a module runs with --module instead
ENTRYPOINT ["/usr/bin/java", \
            "--module-path", "/app/app.jar", "--module", "slimlab.app"]
