# Build on the JDK, run on the JRE image: no compiler, but the whole Java
# runtime, every module of it, whatever the app uses.
FROM eclipse-temurin:21-jdk AS build

WORKDIR /src
COPY app/src/ src/
RUN mkdir -p /out \
    && javac -d classes $(find src -name '*.java') \
    && jar --create --file /out/app.jar --main-class slimlab.Main -C classes .

FROM eclipse-temurin:21-jre
COPY --from=build /out/app.jar /app/app.jar
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "--module-path", "/app/app.jar", "--module", "slimlab.app"]
