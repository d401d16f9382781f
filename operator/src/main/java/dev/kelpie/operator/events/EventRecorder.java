package dev.kelpie.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events ({@code kubectl describe} and {@code kubectl get events}) about a custom resource:
 * what the operator did and why. An Event is a report, not state: failing to write one is logged and
 * never fails the reconcile. Thread-safe.
 */
public final class EventRecorder {

    public static final String COMPONENT = "kelpie-operator";
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final Clock clock;
    private final String instance;

    /**
     * @param clock time of the events
     * @param instance the operator replica writing them (its pod name)
     */
    public EventRecorder(Clock clock, String instance) {
        this.clock = clock;
        this.instance = instance;
    }

    public void normal(KubernetesClient client, HasMetadata about, String reason, String message) {
        record(client, about, "Normal", reason, message);
    }

    public void warning(KubernetesClient client, HasMetadata about, String reason, String message) {
        record(client, about, "Warning", reason, message);
    }

    private void record(KubernetesClient client, HasMetadata about, String type, String reason, String message) {
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        String namespace = about.getMetadata().getNamespace();
        Event event = new EventBuilder()
                .withNewMetadata()
                    // Kubernetes' own convention: <object>.<unique suffix>.
                    .withName(about.getMetadata().getName() + "." + uniqueSuffix())
                    .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withName(about.getMetadata().getName())
                        .withNamespace(namespace)
                        .withUid(about.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Could not record event {} on {}/{}: {}", reason, namespace, about.getMetadata().getName(),
                    e.getMessage());
        }
    }

    private static String uniqueSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
