package dev.kelpie.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

    @Test
    void escapedKeysAndValuesReadBackUnchanged() throws IOException {
        String key = "weird key=with:colon#and!bang";
        String value = " leading space, back\\slash, new\nline, tab\tand = : # !";

        Properties read = new Properties();
        read.load(new StringReader(BrokerProperties.escape(key, true) + "=" + BrokerProperties.escape(value, false)));

        assertThat(read).containsOnlyKeys(key);
        assertThat(read.getProperty(key)).isEqualTo(value);
    }

    @Test
    void clusterIdIsTheUidInKafkasBase64Format() {
        UUID uid = UUID.fromString("3f2b6c1e-8d7a-4b5e-9c0f-1a2b3c4d5e6f");

        String id = ClusterIds.fromUuid(uid);

        assertThat(id).hasSize(22).doesNotContain("=", "+", "/");
        // Kafka's Uuid.toString() is the same encoding: URL-safe base64 of the 16 bytes, unpadded.
        assertThat(java.util.Base64.getUrlDecoder().decode(id)).hasSize(16);
        assertThat(id).isEqualTo("PytsHo16S16cDxorPE1ebw");
    }
}
