package dev.kelpie.broker.metadata;

import java.util.concurrent.CompletableFuture;

/**
 * Receives every new image, in commit order, with the one before it, and makes the change real (creates and
 * deletes partition logs, applies configs, then exposes the image to handlers). Called on the controller
 * thread (or, later, the metadata-log follower thread); must not block. The future completes when the
 * change is applied. A publisher logs its own failures; the change is committed either way.
 */
@FunctionalInterface
public interface MetadataPublisher {
    CompletableFuture<Void> publish(MetadataImage previous, MetadataImage next);
}
