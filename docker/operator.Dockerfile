# The Kassette operator image. Build from the repository root after `make build`:
#   docker build -f docker/operator.Dockerfile -t ghcr.io/kassette/kassette-operator:0.1.0 .
# The base is an argument so that the kind e2e builds the same file on a JRE made from Debian
# packages where no registry is reachable (e2e/kind/lib/images.sh).
ARG BASE_IMAGE=eclipse-temurin:17-jre-jammy
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10001 kassette \
 && useradd --system --uid 10001 --gid kassette --home-dir /opt/kassette --shell /usr/sbin/nologin kassette
COPY operator/target/kassette-operator.jar /opt/kassette/kassette-operator.jar
COPY operator/target/kassette-operator-sbom.json /opt/kassette/sbom.cdx.json
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/kassette/kassette-operator.jar"]
