package io.kassette.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.PurgeState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One lock per database cluster and namespace: a Lease {@code kassette-cluster-<ns>-<name>-<hash>}
 * whose holder is the resource doing something to the cluster's data (a backup, a backup's data
 * deletion, a schedule's retention purge, a restore). The Leases live in the operator's own
 * namespace when it has one ({@code KASSETTE_LOCK_NAMESPACE}), so the operator needs rights on
 * Leases there only, not in every namespace it watches. They never overlap: whoever finds the Lease
 * held by another waits. A holder that no longer exists, or has finished, holds nothing: its Lease
 * is taken over (by an update on the resourceVersion read, so two contenders cannot both win).
 */
public final class ClusterLock {
  private final KubernetesClient kubernetes;
  private final Clock clock;
  private final String lockNamespace;

  /**
   * @param lockNamespace where the Leases live; null for the namespace of each resource
   */
  public ClusterLock(KubernetesClient kubernetes, Clock clock, String lockNamespace) {
    this.kubernetes = kubernetes;
    this.clock = clock;
    this.lockNamespace = lockNamespace;
  }

  public ClusterLock(KubernetesClient kubernetes, Clock clock) {
    this(kubernetes, clock, null);
  }

  /** Where the lock of a resource's cluster lives. */
  public String namespaceFor(HasMetadata owner) {
    return lockNamespace != null ? lockNamespace : owner.getMetadata().getNamespace();
  }

  /** Who holds a lock: the resource's kind, name and UID. */
  public record Holder(String kind, String name, String uid) {
    static Holder of(HasMetadata r) {
      return new Holder(r.getKind(), r.getMetadata().getName(), r.getMetadata().getUid());
    }

    String identity() {
      return kind + "/" + name + "/" + uid;
    }

    static Holder parse(String identity) {
      String[] p = identity == null ? new String[0] : identity.split("/", 3);
      return p.length == 3 ? new Holder(p[0], p[1], p[2]) : null;
    }

    /** Why another resource waits for this holder, for its Waiting condition. */
    public String busy(String cluster) {
      return this + " works on cluster " + cluster + "; one backup, restore or purge at a time";
    }

    /** For messages: {@code CassandraBackup nightly}. */
    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  /**
   * Takes or keeps the lock of {@code cluster} for {@code owner}; empty when it holds it, else the
   * holder it waits for.
   */
  public Optional<Holder> acquire(HasMetadata owner, String cluster) {
    String ns = namespaceFor(owner);
    String ownerNs = owner.getMetadata().getNamespace();
    Holder me = Holder.of(owner);
    String name = leaseName(ownerNs, cluster);
    for (int attempt = 0; attempt < 3; attempt++) {
      Lease lease = kubernetes.leases().inNamespace(ns).withName(name).get();
      try {
        if (lease == null) {
          kubernetes
              .leases()
              .inNamespace(ns)
              .resource(lease(ns, name, ownerNs + "/" + cluster, me))
              .create();
          return Optional.empty();
        }
        Holder held = Holder.parse(lease.getSpec().getHolderIdentity());
        if (me.equals(held)) {
          return Optional.empty();
        }
        if (held != null && alive(ownerNs, held)) {
          return Optional.of(held);
        }
        lease.getSpec().setHolderIdentity(me.identity());
        lease.getSpec().setAcquireTime(now());
        lease.getSpec().setRenewTime(now());
        kubernetes.leases().inNamespace(ns).resource(lease).update(); // 409 if someone was faster
        return Optional.empty();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // another contender won the create or the update: read again
      }
    }
    Lease lease = kubernetes.leases().inNamespace(ns).withName(name).get();
    Holder held = lease == null ? null : Holder.parse(lease.getSpec().getHolderIdentity());
    return Optional.ofNullable(held).filter(h -> !h.equals(me));
  }

  /** Whether {@code owner} holds the lock of {@code cluster} now. */
  public boolean holds(HasMetadata owner, String cluster) {
    Lease lease =
        kubernetes
            .leases()
            .inNamespace(namespaceFor(owner))
            .withName(leaseName(owner.getMetadata().getNamespace(), cluster))
            .get();
    return lease != null
        && Holder.of(owner).equals(Holder.parse(lease.getSpec().getHolderIdentity()));
  }

  /** Gives the lock back when {@code owner} holds it; harmless otherwise. */
  public void release(HasMetadata owner, String cluster) {
    String ns = namespaceFor(owner);
    Lease lease =
        kubernetes
            .leases()
            .inNamespace(ns)
            .withName(leaseName(owner.getMetadata().getNamespace(), cluster))
            .get();
    if (lease != null
        && Holder.of(owner).equals(Holder.parse(lease.getSpec().getHolderIdentity()))) {
      try {
        kubernetes.leases().inNamespace(ns).resource(lease).lockResourceVersion().delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 && e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /** A holder is alive while its resource exists, is not being deleted, and has not finished. */
  private boolean alive(String ns, Holder holder) {
    HasMetadata r =
        switch (holder.kind()) {
          case "CassandraBackup" ->
              kubernetes
                  .resources(CassandraBackup.class)
                  .inNamespace(ns)
                  .withName(holder.name())
                  .get();
          case "CassandraRestore" ->
              kubernetes
                  .resources(CassandraRestore.class)
                  .inNamespace(ns)
                  .withName(holder.name())
                  .get();
          case "BackupSchedule" ->
              kubernetes
                  .resources(BackupSchedule.class)
                  .inNamespace(ns)
                  .withName(holder.name())
                  .get();
          default -> null;
        };
    if (r == null || !holder.uid().equals(r.getMetadata().getUid())) {
      return false;
    }
    Predicate<HasMetadata> finished =
        x ->
            x instanceof CassandraBackup b
                    && b.getStatus() != null
                    && b.getStatus().getPhase() != null
                    && b.getStatus().getPhase().finished()
                    && b.getMetadata().getDeletionTimestamp() == null
                || x instanceof CassandraRestore c
                    && c.getStatus() != null
                    && c.getStatus().getPhase() != null
                    && c.getStatus().getPhase().finished()
                || x instanceof BackupSchedule s
                    && (s.getStatus() == null
                        || s.getStatus().getRetention() == null
                        || s.getStatus().getRetention().getState() != PurgeState.Running);
    return !finished.test(r);
  }

  private Lease lease(String ns, String name, String cluster, Holder holder) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels("app.kubernetes.io/managed-by", "kassette")
        .addToAnnotations("kassette.io/cluster", cluster)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder.identity())
        .withAcquireTime(now())
        .withRenewTime(now())
        .endSpec()
        .build();
  }

  private ZonedDateTime now() {
    return ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
  }

  /**
   * {@code kassette-cluster-<ns>-<name>-<hash>}: the namespace and cluster name lower-cased with
   * what a Lease name cannot hold replaced, and a hash of the exact pair so that {@code Prod} and
   * {@code prod} (or {@code a-b/c} and {@code a/b-c}) differ.
   */
  public static String leaseName(String namespace, String cluster) {
    String safe =
        (namespace + "-" + cluster).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (safe.length() > 40) {
      safe = safe.substring(0, 40);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((namespace + "/" + cluster).getBytes(StandardCharsets.UTF_8));
      return "kassette-cluster-" + safe + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
