# The Kassette operator image. Build from the repository root after `make build`:
#   docker build -f docker/operator.Dockerfile -t ghcr.io/kassette/kassette-operator:0.1.0 .
# (No image can be built on the machine Kassette is developed on: it has no Docker engine.
# `make kind-e2e` builds both images where Docker runs.)
FROM eclipse-temurin:17-jre-jammy
RUN groupadd --system --gid 10001 kassette \
 && useradd --system --uid 10001 --gid kassette --home-dir /opt/kassette --shell /usr/sbin/nologin kassette
COPY operator/target/kassette-operator.jar /opt/kassette/kassette-operator.jar
COPY operator/target/kassette-operator-sbom.json /opt/kassette/sbom.cdx.json
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/kassette/kassette-operator.jar"]
