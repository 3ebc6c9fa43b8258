package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on the resource, so {@code kubectl describe} tells its story. Aggregated as
 * Kubernetes does it: the same type, reason and message on the same object is one Event whose count
 * and lastTimestamp grow, not a new Event per poll. Its name is derived from all four, so an
 * operator restarted meanwhile finds it again.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int REMEMBERED = 4096;

  private final KubernetesClient kubernetes;
  private final Clock clock;
  // name → count, the most recent first out when full; a forgotten one is read back from the API.
  private final Map<String, Integer> counts =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > REMEMBERED;
        }
      };

  public EventRecorder(KubernetesClient kubernetes, Clock clock) {
    this.kubernetes = kubernetes;
    this.clock = clock;
  }

  public EventRecorder(KubernetesClient kubernetes) {
    this(kubernetes, Clock.systemUTC());
  }

  public void normal(HasMetadata resource, EventReason reason, String message) {
    record(resource, "Normal", reason, message);
  }

  public void warning(HasMetadata resource, EventReason reason, String message) {
    record(resource, "Warning", reason, message);
  }

  private void record(HasMetadata resource, String type, EventReason reason, String message) {
    String ns = resource.getMetadata().getNamespace();
    String text = message.length() > 1000 ? message.substring(0, 1000) : message;
    String name = name(resource, type, reason, text);
    String now = clock.instant().toString();
    try {
      Integer seen;
      synchronized (counts) {
        seen = counts.get(name);
      }
      if (seen == null) {
        LOG.info(
            "[{}/{} {}] {}: {}",
            ns,
            resource.getMetadata().getName(),
            resource.getKind(),
            reason,
            text);
        try {
          create(resource, ns, name, type, reason, text, now);
          remember(name, 1);
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          Event existing = kubernetes.v1().events().inNamespace(ns).withName(name).get();
          seen = existing == null || existing.getCount() == null ? 1 : existing.getCount();
        }
      }
      int count = seen + 1;
      kubernetes
          .v1()
          .events()
          .inNamespace(ns)
          .withName(name)
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}");
      remember(name, count);
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: the status holds the truth.
      LOG.warn(
          "could not record event {} on {}: {}",
          reason,
          resource.getMetadata().getName(),
          e.getMessage());
      synchronized (counts) {
        counts.remove(name);
      }
    }
  }

  private void remember(String name, int count) {
    synchronized (counts) {
      counts.put(name, count);
    }
  }

  private void create(
      HasMetadata resource,
      String ns,
      String name,
      String type,
      EventReason reason,
      String text,
      String now) {
    kubernetes
        .v1()
        .events()
        .inNamespace(ns)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withInvolvedObject(
                    new ObjectReferenceBuilder()
                        .withApiVersion(resource.getApiVersion())
                        .withKind(resource.getKind())
                        .withName(resource.getMetadata().getName())
                        .withNamespace(ns)
                        .withUid(resource.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason.name())
                .withMessage(text)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent("kassette-operator")
                .endSource()
                .build())
        .create();
  }

  /** {@code <object>.<16 hex digits>} of the object's UID, type, reason and message. */
  static String name(HasMetadata resource, String type, EventReason reason, String message) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part :
          new String[] {resource.getMetadata().getUid(), type, reason.name(), message}) {
        sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      String object = resource.getMetadata().getName();
      if (object.length() > 200) {
        object = object.substring(0, 200);
      }
      return object + "." + HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
