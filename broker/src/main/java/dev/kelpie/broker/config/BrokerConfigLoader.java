package dev.kelpie.broker.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;

/**
 * Loads the broker's settings from its sources, later ones winning key by key:
 * <ol>
 *   <li>the built-in embedded default ({@link BrokerConfig#embeddedDefault()}), for every key not set below;</li>
 *   <li>a properties file with Kafka's names;</li>
 *   <li>{@code KELPIE_*} environment variables: {@code KELPIE_LOG_DIRS} sets {@code log.dirs} (prefix dropped,
 *       lower case, {@code _} read as {@code .}); Kelpie's own keys may drop their {@code kelpie.} prefix too
 *       ({@code KELPIE_METRICS_PORT});</li>
 *   <li>{@code --override key=value} arguments.</li>
 * </ol>
 * On Kubernetes the operator's start command exports the per-pod {@code KELPIE_NODE_ID},
 * {@code KELPIE_PROCESS_ROLES}, {@code KELPIE_ADVERTISED_LISTENERS} and {@code KELPIE_CLUSTER_ID} over the
 * shared properties file.
 * As in Kafka, the merged set is interpreted once: where Kafka has several units for one setting
 * ({@code log.retention.ms}/{@code minutes}/{@code hours}) the finest unit set anywhere wins.
 * Unknown keys produce warnings; Kafka keys that mean nothing to Kelpie are accepted quietly
 * ({@link BrokerConfigKeys#IGNORED_KAFKA_NAMES}). A malformed value throws {@link ConfigException} naming the key.
 *
 * <p>Stateless; safe from any thread.
 */
public final class BrokerConfigLoader {
    /** Environment variables the start script reads itself; they are not broker settings. */
    private static final Set<String> SCRIPT_ENV_NAMES = Set.of("KELPIE_HEAP_OPTS", "KELPIE_JVM_OPTS",
            "KELPIE_LOG_OPTS", "KELPIE_LOG_LEVEL", "KELPIE_OPTS", "KELPIE_HOME", "KELPIE_JAVA");
    private static final String ENV_PREFIX = "KELPIE_";

    /**
     * The outcome of loading.
     *
     * @param config the validated settings
     * @param clusterId {@code cluster.id} ({@code KELPIE_CLUSTER_ID}): the id to format new log dirs with,
     *     which formatted ones must carry; empty when not set (new log dirs then get a random one). It is
     *     not part of {@link BrokerConfig}: like Kafka's {@code kafka-storage format -t}, it names the
     *     storage, and the broker runs with the id the storage holds.
     * @param warnings one line per ignored unknown key, naming where it came from
     */
    public record Loaded(BrokerConfig config, Optional<String> clusterId, List<String> warnings) {
        public Loaded(BrokerConfig config, List<String> warnings) {
            this(config, Optional.empty(), warnings);
        }
    }

    /** One named source of settings, e.g. {@code file server.properties}. */
    public record Source(String description, Map<String, String> values) {
    }

    private BrokerConfigLoader() {
    }

    /**
     * Loads from the standard sources.
     *
     * @param file the properties file, if one was given
     * @param environment the process environment ({@code System.getenv()})
     * @param overrides the {@code key=value} texts that followed {@code --override}
     */
    public static Loaded load(Optional<Path> file, Map<String, String> environment, List<String> overrides) {
        List<Source> sources = new ArrayList<>();
        file.ifPresent(f -> sources.add(new Source("file " + f, readPropertiesFile(f))));
        sources.add(new Source("environment", fromEnvironment(environment)));
        sources.add(new Source("--override", parseOverrides(overrides)));
        return load(sources);
    }

    /** Merges the sources in order (later wins) over the embedded default and validates the result. */
    public static Loaded load(List<Source> sources) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> unknown = new TreeMap<>();
        for (Source source : sources) {
            for (Map.Entry<String, String> e : source.values().entrySet()) {
                if (BrokerConfigKeys.isKnown(e.getKey())) {
                    merged.put(e.getKey(), e.getValue());
                } else {
                    unknown.put(e.getKey(), source.description());
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        unknown.forEach((key, where) -> warnings.add("Ignoring unknown configuration " + key + " (from " + where + ")"));
        ConfigValues values = new ConfigValues(merged);
        return new Loaded(BrokerConfigParser.parse(values), clusterId(values), List.copyOf(warnings));
    }

    /** Kafka's cluster id format: a UUID in URL-safe base64, accepted as Kafka's format tool accepts it. */
    private static Optional<String> clusterId(ConfigValues values) {
        Optional<String> id = values.string(BrokerConfigKeys.CLUSTER_ID).filter(s -> !s.isEmpty());
        id.ifPresent(text -> {
            try {
                Uuid.fromString(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(BrokerConfigKeys.CLUSTER_ID, text, "must be a Kafka cluster id: 22 "
                        + "characters of URL-safe base64 (as kafka-storage random-uuid prints)");
            }
        });
        return id;
    }

    /** Reads a properties file (ISO-8859-1 escapes as {@link Properties} reads them, but UTF-8 text). */
    public static Map<String, String> readPropertiesFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("Cannot read properties file " + file + ": " + describe(e));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Malformed properties file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            values.put(name.trim(), props.getProperty(name));
        }
        return values;
    }

    /** Maps {@code KELPIE_*} variables to keys: {@code KELPIE_NUM_PARTITIONS} sets {@code num.partitions}. */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || name.length() == ENV_PREFIX.length() || SCRIPT_ENV_NAMES.contains(name)) {
                continue;
            }
            String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (!BrokerConfigKeys.isKnown(key) && BrokerConfigKeys.isKnown("kelpie." + key)) {
                key = "kelpie." + key;
            }
            values.put(key, e.getValue());
        }
        return values;
    }

    /** Parses {@code key=value} texts; the value may itself contain {@code =}. */
    public static Map<String, String> parseOverrides(List<String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0 || override.substring(0, eq).isBlank()) {
                throw new ConfigException("--override expects key=value, got: " + override);
            }
            values.put(override.substring(0, eq).trim(), override.substring(eq + 1));
        }
        return values;
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + " " + e.getMessage();
    }
}
