# The Kassette sidecar (and CLI) image. Build from the repository root after `make build`:
#   docker build -f docker/sidecar.Dockerfile -t ghcr.io/kassette/kassette-sidecar:0.1.0 .
# It runs as uid/gid 999, the cassandra user of the official Cassandra image, because it shares
# the data volume: set runAsUser in the pod to match your database image if it differs.
# The base is an argument so that the kind e2e builds the same file on a JRE made from Debian
# packages where no registry is reachable (e2e/kind/lib/images.sh).
ARG BASE_IMAGE=eclipse-temurin:17-jre-jammy
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 999 cassandra \
 && useradd --system --uid 999 --gid cassandra --home-dir /opt/kassette --shell /usr/sbin/nologin cassandra
COPY sidecar/target/kassette-sidecar.jar /opt/kassette/kassette-sidecar.jar
COPY sidecar/target/kassette-sidecar-sbom.json /opt/kassette/sbom.cdx.json
USER 999:999
EXPOSE 8090
# Memory flags in JAVA_TOOL_OPTIONS, not on the command line (which would win over it): a pod
# that also runs the bulk loader's child JVM lowers the agent's share there.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/kassette/kassette-sidecar.jar"]
CMD ["serve"]
