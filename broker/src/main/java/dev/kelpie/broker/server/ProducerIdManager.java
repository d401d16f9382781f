package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.Controller.ProducerIdBlock;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids from blocks the controller commits ({@link Controller#allocateProducerIds}), so
 * an id is never handed out twice, across restarts too: a restart simply starts a fresh block.
 *
 * <p>Thread-safety: safe from any thread. The small state is guarded by this object's monitor, which is
 * never held while waiting: when the block runs out, callers chain on the one outstanding allocation.
 */
public final class ProducerIdManager {
    private final Controller controller;
    private final int brokerId;
    private long nextId;
    private long blockEnd;
    private CompletableFuture<Void> refill;

    public ProducerIdManager(Controller controller, int brokerId) {
        this.controller = controller;
        this.brokerId = brokerId;
    }

    /** A producer id never handed out before. */
    public CompletableFuture<Long> nextId() {
        CompletableFuture<Void> pending;
        synchronized (this) {
            if (nextId < blockEnd) {
                return CompletableFuture.completedFuture(nextId++);
            }
            if (refill == null) {
                refill = controller.allocateProducerIds(brokerId).thenAccept(this::install);
            }
            pending = refill;
        }
        return pending.thenCompose(ignored -> nextId());
    }

    private synchronized void install(ProducerIdBlock block) {
        nextId = block.firstId();
        blockEnd = block.nextBlockFirstId();
        refill = null;
    }
}
