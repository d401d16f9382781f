package dev.kelpie.broker.network;

import java.net.InetSocketAddress;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Who sent a request and how.
 *
 * @param header the parsed request header (api key, version, correlation id, client id)
 * @param clientAddress the peer's address
 * @param listenerName the listener the request arrived on, e.g. {@code PLAINTEXT}
 * @param receivedNs monotonic time the whole frame arrived
 */
public record RequestContext(RequestHeader header, InetSocketAddress clientAddress, String listenerName,
        long receivedNs) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
