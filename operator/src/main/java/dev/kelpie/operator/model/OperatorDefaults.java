package dev.kelpie.operator.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * Values the model fills in when a Cluster leaves them out. Passed in rather than read inside the model so
 * that golden files do not change with every release.
 *
 * @param brokerImageRepository image repository; the tag is the Kelpie version
 * @param brokerVersion Kelpie version run when {@code spec.version} is absent
 */
public record OperatorDefaults(String brokerImageRepository, String brokerVersion) {

    public static final String DEFAULT_IMAGE_REPOSITORY = "kelpie/broker";

    public OperatorDefaults {
        Objects.requireNonNull(brokerImageRepository, "brokerImageRepository");
        Objects.requireNonNull(brokerVersion, "brokerVersion");
    }

    /** The defaults of this build: the broker of the same version as the operator. */
    public static OperatorDefaults ofThisBuild() {
        return new OperatorDefaults(DEFAULT_IMAGE_REPOSITORY, buildVersion());
    }

    /** The project version Maven wrote into {@code kelpie-operator.properties}. */
    public static String buildVersion() {
        try (InputStream in = OperatorDefaults.class.getResourceAsStream("/kelpie-operator.properties")) {
            if (in == null) {
                throw new IllegalStateException("kelpie-operator.properties missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
