# Kassette — see README.md. Every target works on a machine with only Java 17 and Maven.
MVN ?= mvn -B
JAVA ?= java

.PHONY: build test bench bench-scale cds-classlist fmt crds docs demo kube kind-e2e clean

## build: compile everything and produce sidecar/target/kassette-sidecar.jar (and its class-data sharing archive, kassette-sidecar.jsa: docs/performance.md)
build:
	$(MVN) -q install -DskipTests
	bash tools/cds/archive.sh sidecar/target/kassette-sidecar.jar

## test: unit tests (*Test) and integration tests (*IT) against real Cassandra and a loopback S3 server
test:
	$(MVN) install

## bench: Kassette vs cassandra-medusa 0.31.0, esop 3.0.1 and the copy floors (cp -r, aws s3 cp) on a real node with >= 2 GiB of SSTables, S3 on s3proxy and on SeaweedFS (built once with Go; BENCH_SEAWEEDFS=0 skips it) (BENCH_GIB to change; docs/performance.md)
bench: build
	bash bench/run.sh

## bench-scale: scale figures on a real node: 20,000+ SSTable files (backup, re-run, verify, one-table restore), 1,000+ backups (list, purge), one 8 GiB SSTable killed and resumed on S3, one of 256 MiB on GCS (SCALE_TABLES, SCALE_FLUSHES, SCALE_BACKUPS, SCALE_BIG_GIB, SCALE_GCS_MIB); then the operator with 100 scripted pods on the real API server
bench-scale: build
	@# the operator figure does not depend on the node's: it runs even when one of those failed
	st=0; bash bench/run.sh scale || st=$$?; \
	$(MVN) -q -pl operator test-compile surefire:test -Dtest=OperatorScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
	  && cat operator/target/operator-scale.txt && exit $$st

## cds-classlist: record the classes the CLI and the agent load on a real node into sidecar/cds/kassette.classlist (the archive's list)
cds-classlist:
	$(MVN) -q install -DskipTests
	bash bench/run.sh classlist

## crds: regenerate crds/ and the chart's crds/ from the Java types (a test fails when they are stale)
crds:
	$(MVN) -q -pl operator-api -am install -DskipTests
	cp operator-api/target/classes/META-INF/fabric8/*.yml crds/
	cp operator-api/target/classes/META-INF/fabric8/*.yml helm/kassette/crds/

## docs: regenerate docs/reference.md from the CRDs (a test fails when it is stale)
docs: crds
	$(MVN) -q -pl operator-api surefire:test -Dtest=CrdReferenceTest -Dkassette.writeDocs=true -Dkassette.root=$(CURDIR)

## demo: the whole product locally: real Cassandra nodes, sidecars, the operator, backup and restore
demo: build
	$(JAVA) -Xmx512m -Dkassette.root=$(CURDIR) -cp "demo/target/classes:$$(cat demo/target/classpath.txt)" io.kassette.demo.Demo

## kube: a real Kubernetes control plane on 127.0.0.1 until Ctrl-C (prints its KUBECONFIG)
kube: build
	$(JAVA) -cp "demo/target/classes:$$(cat demo/target/classpath.txt)" io.kassette.testkit.KubeControlPlane target/kube

## kind-e2e: the chart, a 3-node Cassandra with the sidecar and faults on a kind cluster built here (docs/kind-e2e.md)
kind-e2e:
	bash e2e/kind/run.sh

## fmt: apply google-java-format
fmt:
	$(MVN) -q -pl '!cassandra-dist' spotless:apply

clean:
	$(MVN) -q clean
