package dev.kelpie.broker.log;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * Which segments {@code retention.ms} and {@code retention.bytes} delete: the longest prefix of segments each
 * of which is older than {@code retention.ms} (by its largest record timestamp) or still needed to bring the
 * log under {@code retention.bytes}. Only segments wholly below the upper bound (the high watermark) qualify;
 * an empty active segment never does. When the active segment qualifies the caller rolls first, as Kafka does,
 * so that the log always keeps one (empty) segment.
 *
 * <p>Thread-safety: stateless.
 */
final class RetentionPolicy {
    private RetentionPolicy() {}

    static List<LogSegment> expiredSegments(NavigableMap<Long, LogSegment> segments, LogConfig cfg, long nowMs,
            long logEndOffset, long upperBoundOffset) {
        List<LogSegment> all = new ArrayList<>(segments.values());
        long total = 0;
        for (LogSegment s : all) {
            total += s.sizeInBytes();
        }
        long excess = cfg.retentionBytes() < 0 ? 0 : total - cfg.retentionBytes();
        List<LogSegment> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LogSegment s = all.get(i);
            boolean last = i == all.size() - 1;
            long nextOffset = last ? logEndOffset : all.get(i + 1).baseOffset();
            if (nextOffset > upperBoundOffset || (last && s.sizeInBytes() == 0)) {
                break;
            }
            boolean byTime = cfg.retentionMs() >= 0 && nowMs - s.largestTimestamp() > cfg.retentionMs();
            boolean bySize = excess > 0 && excess - s.sizeInBytes() >= 0;
            if (!byTime && !bySize) {
                break;
            }
            excess -= s.sizeInBytes();
            out.add(s);
        }
        return out;
    }
}
