package dev.kelpie.broker.metadata;

import java.util.Objects;

/** A broker as clients see it: id and advertised endpoint. Immutable. {@code rack} may be null. */
public record BrokerRegistration(int id, String host, int port, String rack) {
    public BrokerRegistration {
        Objects.requireNonNull(host, "host");
    }
}
