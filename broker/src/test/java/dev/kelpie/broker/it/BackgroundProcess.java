package dev.kelpie.broker.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running command-line tool (a console consumer in a group) whose output lines are collected while it
 * runs; stderr is merged into stdout.
 *
 * <p>Thread-safety: lines are appended by one pump thread and read under the object's lock.
 */
final class BackgroundProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private BackgroundProcess(Process process) {
        this.process = process;
        Thread pump = new Thread(this::pump, "tool-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
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

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                lines.add("[output pump failed: " + e + "]");
            }
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
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
