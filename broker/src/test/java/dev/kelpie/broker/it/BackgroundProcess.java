package dev.kelpie.broker.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running command-line tool (a console consumer in a group) whose output lines are collected while it
 * runs; stderr is merged into stdout.
 *
 * <p>Thread-safety: the output is collected by {@link ProcessOutput}; the rest is called by the test thread.
 */
final class BackgroundProcess implements AutoCloseable {
    private final Process process;
    private final ProcessOutput output;

    private BackgroundProcess(Process process) {
        this.process = process;
        this.output = ProcessOutput.collect(process, "tool-output");
    }

    static BackgroundProcess start(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(new File("/dev/null"));
            return new BackgroundProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> lines() {
        return output.lines();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process gets no chance to leave its group. */
    void kill() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + " output:\n" + String.join("\n", lines());
    }
}
