#!/bin/bash
set -euo pipefail
: "${S3_ACCESS_KEY:?set S3_ACCESS_KEY}" "${S3_SECRET_KEY:?set S3_SECRET_KEY}"
for b in ${S3_BUCKETS//,/ }; do mkdir -p "/data/$b"; done
conf=$(mktemp)
cat >"$conf" <<CONF
s3proxy.endpoint=http://0.0.0.0:9000
s3proxy.authorization=aws-v2-or-v4
s3proxy.ignore-unknown-headers=true
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=/data
jclouds.identity=unused
jclouds.credential=unused
CONF
# JAVA_OPTS holds several options: split on purpose
# shellcheck disable=SC2086
# s3proxy sends System.err to its logger: the logger must write to System.out, or it loops
exec java ${JAVA_OPTS:--Xmx256m} -Dorg.slf4j.simpleLogger.logFile=System.out -cp '/opt/s3proxy/lib/*' org.gaul.s3proxy.Main --properties "$conf"
