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
# A class-data sharing archive of the classes the CLI and the agent load (make cds-classlist), made
# here because it belongs to this jar at this path and to this image's java: a process maps them
# instead of reading, verifying and linking them from the jar (docs/performance.md). -Xshare:on
# fails the build if the archive cannot be used: a JVM given an unusable one shares no class at all,
# not even the JDK's.
COPY sidecar/cds/kassette.classlist /opt/kassette/kassette.classlist
RUN java -Xshare:dump -XX:+UseSerialGC -XX:SharedClassListFile=/opt/kassette/kassette.classlist \
      -XX:SharedArchiveFile=/opt/kassette/kassette.jsa -cp /opt/kassette/kassette-sidecar.jar > /dev/null \
 && java -Xshare:on -XX:+UseSerialGC -XX:SharedArchiveFile=/opt/kassette/kassette.jsa \
      -jar /opt/kassette/kassette-sidecar.jar --version \
 && rm /opt/kassette/kassette.classlist
USER 999:999
EXPOSE 8090
# Memory flags in JAVA_TOOL_OPTIONS, not on the command line (which would win over it): a pod
# that also runs the bulk loader's child JVM lowers the agent's share there. Measured by
# `make bench` (docs/performance.md): the serial collector with a heap that starts small and gives
# back what it frees, unpooled Netty buffers and two malloc arenas keep a sidecar moving 2 GiB to
# S3 under 256 MB of RSS; the live heap of a transfer is ~20 MB.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Dio.netty.allocator.type=unpooled -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/kassette/kassette.jsa", "-jar", "/opt/kassette/kassette-sidecar.jar"]
CMD ["serve"]
