# Kassette — see README.md. Every target works on a machine with only Java 17 and Maven.
MVN ?= mvn -B
JAVA ?= java

.PHONY: build test bench fmt crds clean

## build: compile everything and produce sidecar/target/kassette-sidecar.jar
build:
	$(MVN) -q install -DskipTests

## test: unit tests (*Test) and integration tests (*IT) against real Cassandra and a loopback S3 server
test:
	$(MVN) install

## bench: Kassette vs esop on a real node with >= 2 GiB of SSTables (BENCH_GIB to change)
bench: build
	bash bench/run.sh

## crds: regenerate crds/ from the Java types in operator-api (a test fails when they are stale)
crds:
	$(MVN) -q -pl operator-api -am install -DskipTests
	cp operator-api/target/classes/META-INF/fabric8/*.yml crds/

## fmt: apply google-java-format
fmt:
	$(MVN) -q -pl '!cassandra-dist' spotless:apply

clean:
	$(MVN) -q clean
