package io.kassette.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A restore of a backup into a cluster. What it restores is immutable; the rules sit on the root so
 * that removing a field and setting it again is refused too (a rule on the field itself is skipped
 * when the field is absent).
 */
@Group(CassandraBackup.GROUP)
@Version(CassandraBackup.VERSION)
@ShortNames("crs")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Backup", jsonPath = ".status.backupName")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".status.mode")
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progressPercent",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodesReady")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.spec.cluster == oldSelf.spec.cluster",
    message = "spec.cluster is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.backupRef) == has(oldSelf.spec.backupRef) && (!has(self.spec.backupRef) || self.spec.backupRef == oldSelf.spec.backupRef)",
    message = "spec.backupRef is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.backup) == has(oldSelf.spec.backup) && (!has(self.spec.backup) || self.spec.backup == oldSelf.spec.backup)",
    message = "spec.backup is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.location) == has(oldSelf.spec.location) && (!has(self.spec.location) || self.spec.location == oldSelf.spec.location)",
    message = "spec.location is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.sourceCluster) == has(oldSelf.spec.sourceCluster) && (!has(self.spec.sourceCluster) || self.spec.sourceCluster == oldSelf.spec.sourceCluster)",
    message = "spec.sourceCluster is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.keyspaces) == has(oldSelf.spec.keyspaces) && (!has(self.spec.keyspaces) || self.spec.keyspaces == oldSelf.spec.keyspaces)",
    message = "spec.keyspaces is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.renames) == has(oldSelf.spec.renames) && (!has(self.spec.renames) || self.spec.renames == oldSelf.spec.renames)",
    message = "spec.renames is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.replication) == has(oldSelf.spec.replication) && (!has(self.spec.replication) || self.spec.replication == oldSelf.spec.replication)",
    message = "spec.replication is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.truncate) == has(oldSelf.spec.truncate) && (!has(self.spec.truncate) || self.spec.truncate == oldSelf.spec.truncate)",
    message = "spec.truncate is immutable: create a new CassandraRestore")
@ValidationRule(
    value =
        "has(self.spec.mode) == has(oldSelf.spec.mode) && (!has(self.spec.mode) || self.spec.mode == oldSelf.spec.mode)",
    message = "spec.mode is immutable: create a new CassandraRestore")
public class CassandraRestore extends CustomResource<CassandraRestoreSpec, CassandraRestoreStatus>
    implements Namespaced {}
