package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a Java main class in a separate JVM on this test's classpath. */
final class ChildJvm {
    private ChildJvm() {}

    static ProcessBuilder builder(Class<?> mainClass, List<String> args) {
        return builder(mainClass.getName(), args);
    }

    static ProcessBuilder builder(String mainClass, List<String> args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    static Process start(Class<?> mainClass, List<String> args) throws IOException {
        return builder(mainClass, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
