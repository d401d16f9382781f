package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The count of appends on their way to their logs, and the bounded wait of a journal writer for them. */
class InboundAppendsTest {

    /** Starts a thread that waits for arrivals for at most {@code boundNs}; {@code returned} is set after. */
    static Thread waiter(InboundAppends inbound, long boundNs, AtomicBoolean returned) {
        Thread t = new Thread(() -> {
            inbound.awaitArrivals(boundNs);
            returned.set(true);
        }, "test-journal-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aWriterWaitsUntilEveryDispatchedAppendHasArrived() {
        InboundAppends inbound = new InboundAppends();
        int first = inbound.dispatched();
        int second = inbound.dispatched();
        AtomicBoolean returned = new AtomicBoolean();
        Thread writer = waiter(inbound, TimeUnit.MINUTES.toNanos(5), returned);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.TIMED_WAITING);
        inbound.arrived(first);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(returned).as("one append is still on its way").isFalse());
        inbound.arrived(second);
        await().atMost(Duration.ofSeconds(10)).untilTrue(returned);
        assertThat(inbound.onTheirWay()).isZero();
    }

    @Test
    void aWriterDoesNotWaitForAppendsDispatchedAfterItBeganToWait() {
        InboundAppends inbound = new InboundAppends();
        int before = inbound.dispatched();
        AtomicBoolean returned = new AtomicBoolean();
        Thread writer = waiter(inbound, TimeUnit.MINUTES.toNanos(5), returned);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.TIMED_WAITING);
        int after = inbound.dispatched();
        assertThat(after).as("a later epoch").isNotEqualTo(before);
        inbound.arrived(before);
        await().atMost(Duration.ofSeconds(10)).untilTrue(returned);
        assertThat(inbound.onTheirWay()).as("the later append is still on its way").isEqualTo(1);
        inbound.arrived(after);
        assertThat(inbound.onTheirWay()).isZero();
    }

    @Test
    void aWriterStopsWaitingAtItsBoundForAnAppendThatNeverArrives() {
        InboundAppends inbound = new InboundAppends();
        inbound.dispatched();
        AtomicBoolean returned = new AtomicBoolean();
        waiter(inbound, TimeUnit.MILLISECONDS.toNanos(50), returned);
        await().atMost(Duration.ofSeconds(10)).untilTrue(returned);
        assertThat(inbound.onTheirWay()).isEqualTo(1);
    }

    @Test
    void aWriterDoesNotWaitWhenNothingIsOnItsWayOrTheBoundIsZero() {
        InboundAppends inbound = new InboundAppends();
        AtomicBoolean idle = new AtomicBoolean();
        waiter(inbound, TimeUnit.MINUTES.toNanos(5), idle);
        await().atMost(Duration.ofSeconds(10)).untilTrue(idle);
        inbound.dispatched();
        AtomicBoolean zeroBound = new AtomicBoolean();
        waiter(inbound, 0, zeroBound);
        await().atMost(Duration.ofSeconds(10)).untilTrue(zeroBound);
    }

    @Test
    void moreArrivalsThanDispatchesIsAProgrammingError() {
        InboundAppends inbound = new InboundAppends();
        assertThatThrownBy(() -> inbound.arrived(inbound.dispatched() ^ 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("More appends arrived than were dispatched");
    }
}
