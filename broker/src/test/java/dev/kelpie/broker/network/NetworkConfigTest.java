package dev.kelpie.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

class NetworkConfigTest {

    @Test
    void takesTheListenerAndLimitsFromTheBrokerConfig() {
        BrokerConfig broker = BrokerConfig.embeddedDefault();

        NetworkConfig config = NetworkConfig.from(broker);

        assertThat(config.host()).isEqualTo(broker.listenerHost());
        assertThat(config.port()).isEqualTo(broker.listenerPort());
        assertThat(config.listenerName()).isEqualTo(NetworkConfig.DEFAULT_LISTENER_NAME);
        assertThat(config.socketRequestBytesMax()).isEqualTo(broker.socketRequestBytesMax());
        assertThat(config.connectionsIdleMsMax()).isEqualTo(broker.connectionsIdleMsMax());
        assertThat(config.requestReadTimeoutMs()).isEqualTo(broker.requestReadTimeoutMs());
        assertThat(config.connectionsMax()).isEqualTo(broker.connectionsMax());
        assertThat(config.connectionsPerIpMax()).isEqualTo(broker.connectionsPerIpMax());
        assertThat(config.inFlightRequestsPerConnectionMax()).isEqualTo(broker.inFlightRequestsPerConnectionMax());
        assertThat(config.outboundBufferBytesMax()).isEqualTo(NetworkConfig.DEFAULT_OUTBOUND_BUFFER_BYTES_MAX);
    }

    @Test
    void rejectsLimitsThatCannotWork() {
        assertThatThrownBy(() -> config(-1, 10, 1)).hasMessageContaining("port");
        assertThatThrownBy(() -> config(0, NetworkConfig.REQUEST_BYTES_MIN - 1, 1))
                .hasMessageContaining("socketRequestBytesMax");
        assertThatThrownBy(() -> config(0, 1024, 0)).hasMessageContaining("inFlightRequestsPerConnectionMax");
        assertThat(config(65_535, NetworkConfig.REQUEST_BYTES_MIN, 1).port()).isEqualTo(65_535);
    }

    private static NetworkConfig config(int port, int requestBytesMax, int inFlightMax) {
        return new NetworkConfig("localhost", port, "PLAINTEXT", requestBytesMax, 1, 1, 1, 1, inFlightMax, 2, 0, 0);
    }
}
