package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka 4.4's own {@code DumpLogSegments} (the tool behind {@code kafka-dump-log}), run in a child JVM,
 * reads segments Kelpie wrote — plain and compressed batches, null keys and tombstones, several segments —
 * prints exactly the offsets, timestamps, keys and values Kelpie assigned, and finds nothing wrong in the
 * {@code .index} and {@code .timeindex} files.
 */
class DumpLogSegmentsCompatibilityTest {
    private static final TopicPartition TP = new TopicPartition("dump-compat", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final Pattern RECORD_LINE = Pattern.compile("^\\| offset: (\\d+) CreateTime: (-?\\d+) "
            + "keySize: (-?\\d+) valueSize: (-?\\d+) sequence: -?\\d+ headerKeys: \\[[^]]*\\]"
            + "(?: key: (\\S+))?(?: payload: (.*))?$");
    private static final Pattern BATCH_LINE = Pattern.compile("^baseOffset: (\\d+) lastOffset: (\\d+) .*"
            + "compresscodec: (\\w+) crc: \\d+ isvalid: (\\w+)$");
    private static final Pattern INDEX_LINE = Pattern.compile("^offset: (\\d+) position: (\\d+)$");
    private static final Pattern NON_CONSECUTIVE_HEADER =
            Pattern.compile("^Non-consecutive offsets in .*/(\\d{20})\\.log$");
    private static final Pattern TIME_INDEX_LINE = Pattern.compile("^timestamp: (\\d+) offset: (\\d+)$");

    @TempDir
    Path logDir;

    /** A record as written and as the tool prints it. */
    record Rec(long offset, long timestamp, String key, String value) {}

    @Test
    void kafkasDumpLogSegmentsReadsKelpieSegments() throws Exception {
        List<Rec> written = writeLog();

        List<Path> files = segmentFiles();
        assertThat(files.stream().filter(f -> f.toString().endsWith(".log"))).hasSizeGreaterThanOrEqualTo(2);
        Dump dump = runDumpLogSegments(files, "--print-data-log", "--deep-iteration");

        assertThat(dump.exitCode).as("exit code; stderr:%n%s", dump.stderr).isZero();
        assertThat(problems(dump.stderr)).as("errors reported by DumpLogSegments").isEmpty();
        assertThat(dump.stdout).doesNotContain("invalid bytes").doesNotContain("isvalid: false");

        assertThat(parse(RECORD_LINE, dump.stdout, m -> new Rec(Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)), m.group(5), m.group(6)))).containsExactlyElementsOf(written);

        List<String> codecs = parse(BATCH_LINE, dump.stdout, m -> m.group(3));
        assertThat(codecs).contains("none", "gzip", "snappy", "lz4", "zstd");
        assertThat(parse(BATCH_LINE, dump.stdout, m -> m.group(4))).containsOnly("true");

        List<Long> indexed = parse(INDEX_LINE, dump.stdout, m -> Long.parseLong(m.group(1)));
        List<Long> timeIndexed = parse(TIME_INDEX_LINE, dump.stdout, m -> Long.parseLong(m.group(2)));
        assertThat(indexed).as("offset index entries").hasSizeGreaterThan(5).isSorted();
        assertThat(timeIndexed).as("time index entries").hasSizeGreaterThan(5).isSorted();
    }

    @Test
    void indexVerificationFindsAMismatchWhenOneIsPlanted() throws Exception {
        writeLog();
        Path index = segmentFiles().stream().filter(f -> f.toString().endsWith(".index")).findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(index);
        assertThat(bytes.length).isGreaterThanOrEqualTo(16);
        // point the second entry's position at the first entry's batch: the tool must notice
        System.arraycopy(bytes, 4, bytes, 12, 4);
        Files.write(index, bytes);

        Dump dump = runDumpLogSegments(List.of(index), "--verify-index-only");
        assertThat(dump.stderr).contains("Mismatches in :");
    }

    // ---------------------------------------------------------------- writing

    private List<Rec> writeLog() {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "128",
                LogConfig.SEGMENT_BYTES, "4096"));
        List<Rec> written = new ArrayList<>();
        Random random = new Random(7);
        List<Compression> codecs = List.of(Compression.NONE, Compression.gzip().build(),
                Compression.snappy().build(), Compression.lz4().build(), Compression.zstd().build());
        try (SegmentedLog log = SegmentedLog.open(logDir, TP, config, new ManualClock(T0))) {
            for (int b = 0; b < 40; b++) {
                Compression codec = codecs.get(b % codecs.size());
                int count = 1 + random.nextInt(8);
                List<SimpleRecord> batch = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    long ts = T0 + b * 100L + i;
                    String key = (b + i) % 7 == 3 ? null : "key-" + b + "-" + i;
                    String value = (b + i) % 11 == 5 ? null : "value " + b + "/" + i + " " + word(random);
                    batch.add(new SimpleRecord(ts, bytes(key), bytes(value)));
                }
                MemoryRecords records = MemoryRecords.withRecords(codec, batch.toArray(new SimpleRecord[0]));
                LogAppendInfo info = log.appendAsLeader(records, 1);
                for (int i = 0; i < count; i++) {
                    SimpleRecord r = batch.get(i);
                    written.add(new Rec(info.firstOffset() + i, r.timestamp(), TestRecords.str(r.key()),
                            TestRecords.str(r.value())));
                }
            }
            assertThat(log.segmentCount()).isGreaterThanOrEqualTo(2);
        }
        return written;
    }

    private static String word(Random random) {
        StringBuilder sb = new StringBuilder();
        int len = 5 + random.nextInt(60);
        for (int i = 0; i < len; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(logDir.resolve(SegmentedLog.dirName(TP)))) {
            return files.filter(f -> f.toString().matches(".*\\d{20}\\.(log|index|timeindex)$")).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- running the tool

    private record Dump(int exitCode, String stdout, String stderr) {}

    private Dump runDumpLogSegments(List<Path> files, String... options) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("--files");
        args.add(files.stream().map(Path::toString).collect(Collectors.joining(",")));
        args.addAll(List.of(options));
        Path out = logDir.resolve("dump.out");
        Path err = logDir.resolve("dump.err");
        Process p = ChildJvm.builder("org.apache.kafka.tools.DumpLogSegments", args)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("DumpLogSegments finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Dump(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Lines of stderr that report a problem, ignoring logging-framework chatter and one quirk of the tool:
     * it starts every file's consecutiveness check at offset -1, so for a segment with base offset B > 0
     * it always reports "-1 is followed by B" (Kafka's own segments get the same line).
     */
    private static List<String> problems(String stderr) {
        List<String> problems = new ArrayList<>();
        String nonConsecutiveFileBase = null;
        for (String line : stderr.lines().toList()) {
            if (line.isBlank() || line.startsWith("SLF4J")) {
                continue;
            }
            Matcher header = NON_CONSECUTIVE_HEADER.matcher(line);
            if (header.matches()) {
                nonConsecutiveFileBase = Long.toString(Long.parseLong(header.group(1)));
                continue;
            }
            if (nonConsecutiveFileBase != null && line.equals("  -1 is followed by " + nonConsecutiveFileBase)) {
                continue;
            }
            nonConsecutiveFileBase = null;
            problems.add(line);
        }
        return problems;
    }

    private static <T> List<T> parse(Pattern pattern, String text, java.util.function.Function<Matcher, T> f) {
        List<T> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                out.add(f.apply(m));
            }
        }
        return out;
    }
}
