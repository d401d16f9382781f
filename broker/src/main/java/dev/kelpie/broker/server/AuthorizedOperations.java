package dev.kelpie.broker.server;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * The authorized-operations bit fields of Metadata, DescribeCluster and DescribeTopicPartitions. Kelpie has
 * no authorizer yet, so every client may do everything Kafka defines for the resource; the field is only
 * filled when the request asks for it ({@link Integer#MIN_VALUE} otherwise, Kafka's "not requested").
 *
 * <p>Thread-safety: constants.
 */
final class AuthorizedOperations {
    static final int NOT_REQUESTED = Integer.MIN_VALUE;
    static final int TOPIC = bits(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE,
            AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    static final int CLUSTER = bits(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE, AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS);

    private AuthorizedOperations() {
    }

    static int topic(boolean requested) {
        return requested ? TOPIC : NOT_REQUESTED;
    }

    static int cluster(boolean requested) {
        return requested ? CLUSTER : NOT_REQUESTED;
    }

    private static int bits(AclOperation... ops) {
        Set<Byte> codes = Stream.of(ops).map(AclOperation::code).collect(Collectors.toSet());
        return Utils.to32BitField(codes);
    }
}
