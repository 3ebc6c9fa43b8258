package io.kassette.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on the resource, so {@code kubectl describe} tells its story. */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient kubernetes;

  public EventRecorder(KubernetesClient kubernetes) {
    this.kubernetes = kubernetes;
  }

  public void normal(HasMetadata resource, EventReason reason, String message) {
    record(resource, "Normal", reason, message);
  }

  public void warning(HasMetadata resource, EventReason reason, String message) {
    record(resource, "Warning", reason, message);
  }

  private void record(HasMetadata resource, String type, EventReason reason, String message) {
    String ns = resource.getMetadata().getNamespace();
    LOG.info(
        "[{}/{} {}] {}: {}",
        ns,
        resource.getMetadata().getName(),
        resource.getKind(),
        reason,
        message);
    String now = Instant.now().toString();
    try {
      kubernetes
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      resource.getMetadata().getName()
                          + "."
                          + UUID.randomUUID().toString().substring(0, 8))
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
                  .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("kassette-operator")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: the status holds the truth.
      LOG.warn(
          "could not record event {} on {}: {}",
          reason,
          resource.getMetadata().getName(),
          e.getMessage());
    }
  }
}
