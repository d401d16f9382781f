package dev.kelpie.broker.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a child process prints (stdout, with stderr merged by the caller), collected by a daemon thread
 * while it runs.
 *
 * <p>Thread-safety: lines are appended by the one pump thread and read under this object's lock.
 */
final class ProcessOutput {
    private final List<String> lines = new ArrayList<>();
    private boolean drained;

    private ProcessOutput() {
    }

    /** Starts collecting {@code process}'s output on a daemon thread named {@code threadPrefix-<pid>}. */
    static ProcessOutput collect(Process process, String threadPrefix) {
        ProcessOutput output = new ProcessOutput();
        Thread pump = new Thread(() -> output.pump(process), threadPrefix + "-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        return output;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Whether the process's output reached end-of-stream (it exited and everything was read). */
    synchronized boolean drained() {
        return drained;
    }

    private void pump(Process process) {
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
        } finally {
            synchronized (this) {
                drained = true;
            }
        }
    }
}
