package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThrottlerTest {
    @Test
    void sleepsToHoldTheConfiguredRate() throws Exception {
        ManualClock clock = new ManualClock(0);
        long[] slept = {0};
        Throttler t = new Throttler(1_000_000, clock, ms -> {
            slept[0] += ms;
            clock.advanceMs(ms);
        });
        for (int i = 0; i < 50; i++) {
            t.acquire(100_000);
        }
        // 5 MB at 1 MB/s: about 5 s of waiting, never much less
        assertThat(slept[0]).isBetween(4_900L, 5_100L);
    }

    @Test
    void unlimitedNeverSleeps() throws Exception {
        ManualClock clock = new ManualClock(0);
        Throttler t = new Throttler(Long.MAX_VALUE, clock, ms -> {
            throw new AssertionError("slept");
        });
        t.acquire(Long.MAX_VALUE / 2);
        assertThat(clock.monotonicNs()).isZero();
    }
}
