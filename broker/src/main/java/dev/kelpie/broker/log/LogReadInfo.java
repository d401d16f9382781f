package dev.kelpie.broker.log;

/**
 * The result of a read.
 *
 * @param records the bytes to send; size 0 when nothing is readable below the bound. The caller releases it.
 * @param logStartOffset the log start offset at the time of the read
 * @param logEndOffset the log end offset at the time of the read
 */
public record LogReadInfo(FileSlice records, long logStartOffset, long logEndOffset) {}
