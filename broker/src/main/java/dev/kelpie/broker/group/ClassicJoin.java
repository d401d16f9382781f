package dev.kelpie.broker.group;

import dev.kelpie.broker.group.ClassicGroupMember.Protocol;
import java.util.List;

/**
 * A JoinGroup request as the coordinator sees it.
 *
 * @param memberId empty for a member without an id yet
 * @param instanceId {@code group.instance.id}, null for a dynamic member
 * @param clientHost the client's address as Kafka shows it ({@code /127.0.0.1})
 * @param version the request version (v4+ dynamic members must fetch a member id first; v9 may skip the
 *     assignment of a static leader)
 *
 * <p>Immutable.
 */
record ClassicJoin(String groupId, String memberId, String instanceId, String protocolType, List<Protocol> protocols,
        int sessionTimeoutMs, int rebalanceTimeoutMs, String clientId, String clientHost, short version) {

    ClassicJoin {
        protocols = List.copyOf(protocols);
    }

    int metadataBytes() {
        return protocols.stream().mapToInt(p -> p.metadata() == null ? 0 : p.metadata().length).sum();
    }
}
