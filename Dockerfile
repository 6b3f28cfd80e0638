# The Slipway server image. Build the jar first (./slipway --version builds it), then:
#   docker build -t 123456789012.dkr.ecr.us-east-1.amazonaws.com/slipway:0.1.0 .
# No image can be built on the development machine (no container engine); the file is kept true
# by reading: it copies the jar the launcher builds and runs it as a non-root user.
FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin slipway
COPY slipway-cli/target/slipway.jar /opt/slipway/slipway.jar
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-jar", "/opt/slipway/slipway.jar"]
CMD ["serve", "--help"]
