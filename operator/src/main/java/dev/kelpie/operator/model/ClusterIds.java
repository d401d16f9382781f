package dev.kelpie.operator.model;

import dev.kelpie.operator.api.Cluster;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * The Kafka cluster id of a Cluster: the 16 bytes of its {@code metadata.uid} in URL-safe base64 without
 * padding, Kafka's own format. Derived rather than random so that it needs no stored state; once the
 * status records one, that one wins, so a restored status keeps the id the brokers were formatted with.
 */
public final class ClusterIds {

    private ClusterIds() {
    }

    public static String of(Cluster cluster) {
        if (cluster.getStatus() != null && cluster.getStatus().getClusterId() != null) {
            return cluster.getStatus().getClusterId();
        }
        String uid = cluster.getMetadata().getUid();
        if (uid == null) {
            throw new IllegalArgumentException("Cluster " + cluster.getMetadata().getName() + " has no uid yet");
        }
        return fromUuid(UUID.fromString(uid));
    }

    static String fromUuid(UUID uuid) {
        ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits());
        bytes.putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
