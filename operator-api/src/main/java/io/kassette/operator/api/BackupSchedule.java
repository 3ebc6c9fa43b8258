package io.kassette.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Backups on a cron schedule with retention: creates one CassandraBackup per run (named from the
 * schedule and the run's time, owned by the schedule) and purges what retention no longer keeps, in
 * storage and as objects.
 */
@Group(CassandraBackup.GROUP)
@Version(CassandraBackup.VERSION)
@ShortNames("bs")
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule")
@AdditionalPrinterColumn(name = "Suspend", jsonPath = ".spec.suspend")
@AdditionalPrinterColumn(name = "Active", jsonPath = ".status.active[0]")
@AdditionalPrinterColumn(
    name = "Last Schedule",
    jsonPath = ".status.lastScheduleTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Last Success",
    jsonPath = ".status.lastSuccessfulTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BackupSchedule extends CustomResource<BackupScheduleSpec, BackupScheduleStatus>
    implements Namespaced {
  /** Label on every CassandraBackup a schedule created: the schedule's name. */
  public static final String LABEL = "kassette.io/schedule";

  /** Annotation on every CassandraBackup a schedule created: the run's time (RFC 3339). */
  public static final String SCHEDULED_TIME = "kassette.io/scheduled-time";
}
