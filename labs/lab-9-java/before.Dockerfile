# One stage on the JDK image: the compiler, the whole JDK and the source ship
# with the app, which needs only a Java runtime.
FROM eclipse-temurin:21-jdk

WORKDIR /app
COPY app/src/ src/
RUN javac -d classes $(find src -name '*.java') \
    && jar --create --file app.jar --main-class slimlab.Main -C classes .

EXPOSE 8080
ENTRYPOINT ["java", "--module-path", "/app/app.jar", "--module", "slimlab.app"]
