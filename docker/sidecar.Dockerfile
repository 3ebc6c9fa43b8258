# The Kassette sidecar (and CLI) image. Build from the repository root after `make build`:
#   docker build -f docker/sidecar.Dockerfile -t ghcr.io/kassette/kassette-sidecar:0.1.0 .
# It runs as uid/gid 999, the cassandra user of the official Cassandra image, because it shares
# the data volume: set runAsUser in the pod to match your database image if it differs.
FROM eclipse-temurin:17-jre-jammy
RUN groupadd --system --gid 999 cassandra \
 && useradd --system --uid 999 --gid cassandra --home-dir /opt/kassette --shell /usr/sbin/nologin cassandra
COPY sidecar/target/kassette-sidecar.jar /opt/kassette/kassette-sidecar.jar
USER 999:999
EXPOSE 8090
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/kassette/kassette-sidecar.jar"]
CMD ["serve"]
