package dev.kelpie.broker.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the build stamped into {@code dev/kelpie/broker/version.properties}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class BuildInfo {
    private BuildInfo() {
    }

    /** The project version, or {@code unknown} when the resource is missing (an unfiltered IDE build). */
    public static String version() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/kelpie/broker/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
