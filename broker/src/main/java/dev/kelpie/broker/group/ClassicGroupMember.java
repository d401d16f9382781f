package dev.kelpie.broker.group;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a {@link ClassicGroup}. The identity, timeouts, the metadata of the group's protocol and the
 * assignment are persisted ({@link GroupRecord.ClassicMember}); the supported protocols, the held JoinGroup
 * and SyncGroup answers and the "new" flag live only in memory.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class ClassicGroupMember {
    /** A protocol the member supports, with its metadata (e.g. a consumer subscription). */
    record Protocol(String name, byte[] metadata) {
        boolean sameAs(Protocol other) {
            return name.equals(other.name) && Arrays.equals(metadata, other.metadata);
        }
    }

    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    private String memberId;
    final String instanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = EMPTY_ASSIGNMENT;
    CompletableFuture<JoinGroupResponseData> awaitingJoin;
    CompletableFuture<SyncGroupResponseData> awaitingSync;
    /** Joined in the current rebalance without having been a member before. */
    boolean isNew;

    ClassicGroupMember(String memberId, String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
            int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    String memberId() {
        return memberId;
    }

    /** A static member's rejoin takes a new member id (the old one is then fenced). */
    void renameTo(String newMemberId) {
        memberId = newMemberId;
    }

    boolean isStatic() {
        return instanceId != null;
    }

    /** The metadata for {@code protocolName}, or null when unsupported. */
    byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return null;
    }

    boolean supports(String protocolName) {
        return metadata(protocolName) != null;
    }

    /** Same protocols, in the same order, with the same metadata. */
    boolean matches(List<Protocol> others) {
        if (others.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < others.size(); i++) {
            if (!protocols.get(i).sameAs(others.get(i))) {
                return false;
            }
        }
        return true;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }
}
