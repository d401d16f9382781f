package dev.kelpie.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The arguments of {@code bin/kelpie-server}, as Kafka's start script takes them:
 * {@code [server.properties] [--override key=value]... | --help | --version}.
 *
 * @param propertiesFile the properties file, if one was given
 * @param overrides the {@code key=value} texts, in order
 * @param help {@code --help} was given
 * @param version {@code --version} was given
 */
record CommandLine(Optional<Path> propertiesFile, List<String> overrides, boolean help, boolean version) {
    static final String USAGE = """
            Usage: kelpie-server [server.properties] [--override key=value]...
                   kelpie-server --help | --version

            Starts a Kelpie broker. With no arguments: a single node on localhost:9092 with its data in ./data,
            formatted on first start.

              server.properties       Kafka-style properties file (see config/server.properties)
              --override key=value    set one property; repeatable; wins over the file and KELPIE_* variables
              --help                  print this help
              --version               print the version

            Environment: KELPIE_<KEY> sets a property (KELPIE_LOG_DIRS=/data sets log.dirs);
            KELPIE_HEAP_OPTS (default -Xmx1g -Xms1g) and KELPIE_JVM_OPTS are passed to java.
            """;

    /** Parses the arguments; a malformed command line throws {@link ConfigException} with a one-line reason. */
    static CommandLine parse(String[] args) {
        Optional<Path> file = Optional.empty();
        List<String> overrides = new ArrayList<>();
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--version")) {
                version = true;
            } else if (arg.equals("--override")) {
                if (i + 1 == args.length) {
                    throw new ConfigException("--override needs a key=value argument");
                }
                overrides.add(args[++i]);
            } else if (arg.startsWith("--override=")) {
                overrides.add(arg.substring("--override=".length()));
            } else if (arg.startsWith("-")) {
                throw new ConfigException("Unknown option " + arg + " (try --help)");
            } else if (file.isPresent()) {
                throw new ConfigException("Only one properties file may be given, got " + file.get() + " and " + arg);
            } else {
                file = Optional.of(Path.of(arg));
            }
        }
        return new CommandLine(file, List.copyOf(overrides), help, version);
    }
}
