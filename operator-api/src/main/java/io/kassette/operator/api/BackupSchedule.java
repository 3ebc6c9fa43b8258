package io.kassette.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Backups on a schedule with retention; creates CassandraBackups. */
@Group(CassandraBackup.GROUP)
@Version(CassandraBackup.VERSION)
@ShortNames("bs")
public class BackupSchedule extends CustomResource<BackupScheduleSpec, BackupScheduleStatus>
    implements Namespaced {}
