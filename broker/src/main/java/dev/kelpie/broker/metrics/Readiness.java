package dev.kelpie.broker.metrics;

import java.util.Optional;

/**
 * What {@code /readyz} answers: ready once the partition logs are recovered, the Kafka listener is bound and
 * the broker is registered with the metadata it replayed; not ready again once shutdown begins. The broker
 * marks each step as it completes ({@code BrokerServer.start}).
 *
 * <p>Thread-safety: volatile flags, set by the broker's lifecycle thread and read by the HTTP thread.
 */
public final class Readiness {
    private volatile boolean storageRecovered;
    private volatile boolean listenerBound;
    private volatile boolean metadataReady;
    private volatile boolean shuttingDown;

    public void storageRecovered() {
        storageRecovered = true;
    }

    public void listenerBound() {
        listenerBound = true;
    }

    /** The broker is registered and serves requests against the metadata it has caught up with. */
    public void metadataReady() {
        metadataReady = true;
    }

    public void shuttingDown() {
        shuttingDown = true;
    }

    /** Empty when ready, else why not, in the order start-up gets there. */
    public Optional<String> notReadyReason() {
        if (shuttingDown) {
            return Optional.of("shutting down");
        }
        if (!storageRecovered) {
            return Optional.of("recovering the metadata and partition logs");
        }
        if (!listenerBound) {
            return Optional.of("the Kafka listener is not bound yet");
        }
        if (!metadataReady) {
            return Optional.of("not registered with the controller yet");
        }
        return Optional.empty();
    }

    public boolean isReady() {
        return notReadyReason().isEmpty();
    }
}
