package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import java.net.InetAddress;

/**
 * Small helpers shared by the group handlers.
 *
 * <p>Stateless; safe from any thread.
 */
final class GroupHandlers {
    private GroupHandlers() {
    }

    /** The client's address as Kafka shows it in group descriptions: {@code /127.0.0.1}. */
    static String clientHost(RequestContext context) {
        if (context.clientAddress() == null) {
            return "";
        }
        InetAddress address = context.clientAddress().getAddress();
        return "/" + (address == null ? context.clientAddress().getHostString() : address.getHostAddress());
    }
}
