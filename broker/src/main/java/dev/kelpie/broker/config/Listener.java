package dev.kelpie.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * One entry of Kafka's {@code listeners} / {@code advertised.listeners} syntax: {@code NAME://host:port}.
 * An empty host means every interface; an IPv6 host is written in brackets ({@code PLAINTEXT://[::1]:9092}).
 *
 * @param name listener name, upper case ({@code PLAINTEXT}, {@code CONTROLLER}, ...)
 * @param host host without brackets; empty for every interface
 * @param port 0..65535
 */
record Listener(String name, String host, int port) {
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z][A-Za-z0-9_]*)://(\\[[^\\]]*\\]|[^:\\[\\]]*):([0-9]{1,5})");

    /** Parses a comma-separated list; fails naming {@code key} when an entry is malformed or a name repeats. */
    static List<Listener> parseList(String key, String value) {
        List<Listener> result = new ArrayList<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Matcher m = ENTRY.matcher(trimmed);
            if (!m.matches()) {
                throw new ConfigException(key, value, "each entry must look like PLAINTEXT://host:port");
            }
            int port = Integer.parseInt(m.group(3));
            if (port > 65535) {
                throw new ConfigException(key, value, "port " + port + " is not between 0 and 65535");
            }
            String host = m.group(2);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            Listener listener = new Listener(m.group(1).toUpperCase(Locale.ROOT), host, port);
            if (result.stream().anyMatch(l -> l.name.equals(listener.name))) {
                throw new ConfigException(key, value, "listener name " + listener.name + " appears twice");
            }
            result.add(listener);
        }
        if (result.isEmpty()) {
            throw new ConfigException(key, value, "must name at least one listener, e.g. PLAINTEXT://localhost:9092");
        }
        return result;
    }

    /** Whether the host is the wildcard address (empty, {@code 0.0.0.0} or {@code ::}). */
    boolean wildcardHost() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    @Override
    public String toString() {
        return name + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
