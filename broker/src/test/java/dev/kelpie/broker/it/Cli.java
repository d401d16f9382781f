package dev.kelpie.broker.it;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line tool to completion (the distribution's {@code bin/kafka-*} wrappers, kcat, node), with
 * optional stdin text, capturing stdout and stderr separately.
 *
 * <p>Stateless; safe from any thread.
 */
public final class Cli {
    /**
     * A finished command.
     *
     * @param command what ran
     * @param exitCode its exit code
     * @param stdout what it printed on stdout
     * @param stderr what it printed on stderr
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Returns this result, or fails with everything the command printed when it exited non-zero. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n"
                    + stderr;
        }
    }

    private Cli() {
    }

    /** The distribution's {@code bin/<name>}. */
    public static String bin(String name) {
        return BrokerProcess.distribution().resolve("bin").resolve(name).toString();
    }

    public static Result run(Duration timeout, String stdin, List<String> command) {
        return run(timeout, stdin, null, Map.of(), command);
    }

    /** Runs {@code command} in {@code workDir} (null: inherited) with extra environment variables. */
    public static Result run(Duration timeout, String stdin, Path workDir, Map<String, String> env,
            List<String> command) {
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                if (workDir != null) {
                    pb.directory(workDir.toFile());
                }
                pb.environment().putAll(env);
                if (stdin == null) {
                    pb.redirectInput(new File("/dev/null"));
                }
                Process p = pb.start();
                if (stdin != null) {
                    try (OutputStream in = p.getOutputStream()) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("Timed out after " + timeout + ": " + new Result(command, -1,
                            Files.readString(out), Files.readString(err)));
                }
                return new Result(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The absolute path of {@code tool} on PATH. A missing tool fails the test (it is never skipped): CI
     * installs it with {@code bash .ci/run}.
     */
    public static String requireOnPath(String tool, String howToInstall) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        throw new AssertionError(tool + " is not installed (not on PATH); install it with: " + howToInstall
                + " (bash .ci/run does this)");
    }
}
