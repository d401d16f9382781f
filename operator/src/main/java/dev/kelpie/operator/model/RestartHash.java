package dev.kelpie.operator.model;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A digest of everything a running broker pod cannot pick up without a restart: the properties file it read
 * at start and its own pod template. Pods carry the digest they were created with in the
 * {@link #ANNOTATION} annotation; a pod whose digest differs from the desired one is out of date.
 */
public final class RestartHash {

    public static final String ANNOTATION = "kelpie.dev/restart-hash";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private RestartHash() {
    }

    /** 16 hex digits of SHA-256; the template must not yet carry the annotation. */
    public static String of(String brokerProperties, PodTemplateSpec podTemplate) {
        if (podTemplate.getMetadata().getAnnotations().containsKey(ANNOTATION)) {
            throw new IllegalArgumentException("the template already carries " + ANNOTATION);
        }
        MessageDigest digest = sha256();
        digest.update(brokerProperties.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(SERIALIZATION.asJson(podTemplate).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
