package dev.kelpie.broker.log;

/**
 * The result of an append.
 *
 * @param firstOffset offset given to the first record
 * @param lastOffset offset given to the last record
 * @param logAppendTimeMs the broker time written into a LogAppendTime batch, or -1 for CreateTime
 * @param logStartOffset the log start offset after the append
 * @param recordCount records appended
 * @param duplicate true when this was a retry of an idempotent batch already in the log: nothing was written
 */
public record LogAppendInfo(
        long firstOffset, long lastOffset, long logAppendTimeMs, long logStartOffset, int recordCount,
        boolean duplicate) {

    public LogAppendInfo {
        if (lastOffset < firstOffset) {
            throw new IllegalArgumentException("lastOffset " + lastOffset + " < firstOffset " + firstOffset);
        }
    }
}
