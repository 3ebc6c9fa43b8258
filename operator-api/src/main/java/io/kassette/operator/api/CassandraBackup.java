package io.kassette.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One backup of a whole Cassandra or Scylla cluster. */
@Group(CassandraBackup.GROUP)
@Version(CassandraBackup.VERSION)
@ShortNames("cbk")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progressPercent",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Size", jsonPath = ".status.size")
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodesReady")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.spec.cluster == oldSelf.spec.cluster",
    message = "spec.cluster is immutable: create a new CassandraBackup")
@ValidationRule(
    value =
        "has(self.spec.keyspaces) == has(oldSelf.spec.keyspaces) && (!has(self.spec.keyspaces) || self.spec.keyspaces == oldSelf.spec.keyspaces)",
    message = "spec.keyspaces is immutable: create a new CassandraBackup")
@ValidationRule(
    value =
        "has(self.spec.location) == has(oldSelf.spec.location) && (!has(self.spec.location) || self.spec.location == oldSelf.spec.location)",
    message = "spec.location is immutable: create a new CassandraBackup")
@ValidationRule(
    value =
        "has(self.spec.datacenterLocations) == has(oldSelf.spec.datacenterLocations) && (!has(self.spec.datacenterLocations) || self.spec.datacenterLocations == oldSelf.spec.datacenterLocations)",
    message = "spec.datacenterLocations is immutable: create a new CassandraBackup")
@ValidationRule(
    value =
        "has(self.spec.mode) == has(oldSelf.spec.mode) && (!has(self.spec.mode) || self.spec.mode == oldSelf.spec.mode)",
    message = "spec.mode is immutable: create a new CassandraBackup")
@ValidationRule(
    value =
        "has(self.spec.datacenters) == has(oldSelf.spec.datacenters) && (!has(self.spec.datacenters) || self.spec.datacenters == oldSelf.spec.datacenters)",
    message = "spec.datacenters is immutable: create a new CassandraBackup")
public class CassandraBackup extends CustomResource<CassandraBackupSpec, CassandraBackupStatus>
    implements Namespaced {
  public static final String GROUP = "kassette.io";
  public static final String VERSION = "v1alpha1";
}
