package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ApiVersions, Metadata and the admin APIs over a raw socket at their lowest and highest advertised
 * versions (non-flexible and flexible encodings, names and ids), encoded and decoded by kafka-clients.
 */
class AdminApiVersionsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    /**
     * Kafka 4.4's broker ranges for the implemented APIs (Produce advertised from 0), as
     * {@code shared/reference/kafka-protocol.md} lists them. The tests below exercise each end of each range.
     */
    static final Map<Short, List<Integer>> ADVERTISED = Map.ofEntries(
            Map.entry((short) 0, List.of(0, 13)), Map.entry((short) 1, List.of(4, 18)),
            Map.entry((short) 2, List.of(1, 11)), Map.entry((short) 3, List.of(0, 13)),
            Map.entry((short) 18, List.of(0, 5)), Map.entry((short) 19, List.of(2, 7)),
            Map.entry((short) 20, List.of(1, 6)), Map.entry((short) 21, List.of(0, 2)),
            Map.entry((short) 22, List.of(0, 5)), Map.entry((short) 23, List.of(2, 4)),
            Map.entry((short) 32, List.of(1, 4)), Map.entry((short) 33, List.of(0, 2)),
            Map.entry((short) 37, List.of(0, 3)), Map.entry((short) 44, List.of(0, 1)),
            Map.entry((short) 60, List.of(0, 2)), Map.entry((short) 75, List.of(0, 0)),
            // the group coordinator's
            Map.entry((short) 8, List.of(2, 10)), Map.entry((short) 9, List.of(1, 10)),
            Map.entry((short) 10, List.of(0, 6)), Map.entry((short) 11, List.of(0, 9)),
            Map.entry((short) 12, List.of(0, 4)), Map.entry((short) 13, List.of(0, 5)),
            Map.entry((short) 14, List.of(0, 5)), Map.entry((short) 15, List.of(0, 6)),
            Map.entry((short) 16, List.of(0, 5)), Map.entry((short) 42, List.of(0, 3)),
            Map.entry((short) 47, List.of(0, 0)), Map.entry((short) 68, List.of(0, 1)),
            Map.entry((short) 69, List.of(0, 1)));

    private static RawClient client() {
        return new RawClient(BROKER.port());
    }

    static CreateTopicsResponse createTopic(RawClient c, int version, String name, int partitions,
            Map<String, String> configs, boolean validateOnly) {
        CreatableTopic topic = new CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) -1);
        configs.forEach((k, v) -> topic.configs().add(new CreatableTopicConfig().setName(k).setValue(v)));
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000).setValidateOnly(validateOnly);
        data.topics().add(topic);
        return c.send(ApiKeys.CREATE_TOPICS, version, data);
    }

    @Test
    void apiVersionsAdvertisesExactlyTheHandlers() throws Exception {
        try (RawClient c = client()) {
            for (int v : new int[] {0, 3, 5}) {
                ApiVersionsRequestData data = new ApiVersionsRequestData().setClientSoftwareName("kelpie-test")
                        .setClientSoftwareVersion("1.0");
                ApiVersionsResponse response = c.send(ApiKeys.API_VERSIONS, v, data);
                assertThat(response.data().errorCode()).isZero();
                Map<Short, ApiVersion> byKey = new java.util.HashMap<>();
                response.data().apiKeys().forEach(a -> byKey.put(a.apiKey(), a));
                Map<Short, List<Integer>> ranges = new java.util.HashMap<>();
                byKey.forEach((k, a) -> ranges.put(k, List.of((int) a.minVersion(), (int) a.maxVersion())));
                assertThat(ranges).isEqualTo(ADVERTISED);
            }
            ApiVersionsResponse invalid = c.send(ApiKeys.API_VERSIONS, 3,
                    new ApiVersionsRequestData().setClientSoftwareName("bad name!").setClientSoftwareVersion("1"));
            assertThat(invalid.data().errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        }
    }

    @Test
    void createTopicsLowestAndHighest() throws Exception {
        try (RawClient c = client()) {
            CreatableTopicResult v2 = createTopic(c, 2, "ct-min", 2, Map.of(), false).data().topics().iterator().next();
            assertThat(v2.errorCode()).isZero();
            CreatableTopicResult v7 = createTopic(c, 7, "ct-max", 3, Map.of("retention.ms", "12345"), false)
                    .data().topics().iterator().next();
            assertThat(v7.errorCode()).isZero();
            assertThat(v7.topicId()).isEqualTo(BROKER.server().metadata().topic("ct-max").orElseThrow().id());
            assertThat(v7.numPartitions()).isEqualTo(3);
            assertThat(v7.replicationFactor()).isEqualTo((short) 1);
            var retention = v7.configs().stream().filter(e -> e.name().equals("retention.ms")).findFirst().orElseThrow();
            assertThat(retention.value()).isEqualTo("12345");
            assertThat(retention.configSource()).isEqualTo(DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG.id());
            CreatableTopicResult exists = createTopic(c, 7, "ct-max", 1, Map.of(), false).data().topics().iterator().next();
            assertThat(exists.errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
            CreatableTopicResult dry = createTopic(c, 7, "ct-dry", 4, Map.of(), true).data().topics().iterator().next();
            assertThat(dry.errorCode()).isZero();
            assertThat(dry.numPartitions()).isEqualTo(4);
            assertThat(BROKER.server().metadata().topic("ct-dry")).isEmpty();
            CreatableTopicResult badConfig = createTopic(c, 2, "ct-bad", 1, Map.of("segment.bytes", "1"), false)
                    .data().topics().iterator().next();
            assertThat(badConfig.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
            assertThat(badConfig.errorMessage()).contains("segment.bytes");
        }
    }

    @Test
    void metadataLowestAndHighest() throws Exception {
        try (RawClient c = client()) {
            createTopic(c, 7, "md", 2, Map.of(), false);
            Uuid id = BROKER.server().metadata().topic("md").orElseThrow().id();
            MetadataResponse v0 = c.send(ApiKeys.METADATA, 0, new MetadataRequestData().setTopics(
                    List.of(new MetadataRequestTopic().setName("md"))));
            MetadataResponseTopic t0 = v0.data().topics().iterator().next();
            assertThat(t0.errorCode()).isZero();
            assertThat(t0.partitions()).hasSize(2).allSatisfy(p -> assertThat(p.leaderId()).isEqualTo(1));
            assertThat(v0.data().brokers().iterator().next().port()).isEqualTo(BROKER.port());

            MetadataResponse byId = c.send(ApiKeys.METADATA, 13, new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestTopic().setTopicId(id).setName(null),
                    new MetadataRequestTopic().setTopicId(Uuid.randomUuid()).setName(null))));
            List<MetadataResponseTopic> topics = new ArrayList<>(byId.data().topics());
            assertThat(topics.get(0).name()).isEqualTo("md");
            assertThat(topics.get(0).topicId()).isEqualTo(id);
            assertThat(topics.get(0).partitions().get(0).leaderEpoch()).isZero();
            assertThat(topics.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(byId.data().errorCode()).isZero();
            assertThat(byId.data().clusterId()).isEqualTo(EmbeddedBroker.CLUSTER_ID);

            MetadataResponse all = c.send(ApiKeys.METADATA, 13, new MetadataRequestData().setTopics(null));
            assertThat(all.data().topics().stream().map(MetadataResponseTopic::name)).contains("md");

            MetadataResponse auto = c.send(ApiKeys.METADATA, 12, new MetadataRequestData().setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequestTopic().setName("auto-created"),
                            new MetadataRequestTopic().setName("bad/name"))));
            List<MetadataResponseTopic> autoTopics = new ArrayList<>(auto.data().topics());
            assertThat(autoTopics.get(0).errorCode()).isZero();
            assertThat(autoTopics.get(0).partitions()).hasSize(1);
            assertThat(autoTopics.get(1).errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
            MetadataResponse noAuto = c.send(ApiKeys.METADATA, 13, new MetadataRequestData()
                    .setAllowAutoTopicCreation(false).setTopics(List.of(new MetadataRequestTopic().setName("not-auto"))));
            assertThat(noAuto.data().topics().iterator().next().errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    @Test
    void deleteTopicsByNameAtV1AndByIdAtV6() throws Exception {
        try (RawClient c = client()) {
            createTopic(c, 7, "del-a", 1, Map.of(), false);
            createTopic(c, 7, "del-b", 1, Map.of(), false);
            Uuid idB = BROKER.server().metadata().topic("del-b").orElseThrow().id();
            DeleteTopicsResponse v1 = c.send(ApiKeys.DELETE_TOPICS, 1, new DeleteTopicsRequestData()
                    .setTopicNames(List.of("del-a", "del-missing")).setTimeoutMs(5000));
            Map<String, Short> byName = v1.data().responses().stream()
                    .collect(Collectors.toMap(r -> r.name(), r -> r.errorCode()));
            assertThat(byName).containsEntry("del-a", Errors.NONE.code())
                    .containsEntry("del-missing", Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            DeleteTopicsResponse v6 = c.send(ApiKeys.DELETE_TOPICS, 6, new DeleteTopicsRequestData().setTimeoutMs(5000)
                    .setTopics(List.of(new DeleteTopicState().setName(null).setTopicId(idB),
                            new DeleteTopicState().setName(null).setTopicId(Uuid.randomUuid()))));
            var results = new ArrayList<>(v6.data().responses());
            assertThat(results.get(0).errorCode()).isZero();
            assertThat(results.get(0).name()).isEqualTo("del-b");
            assertThat(results.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(BROKER.server().metadata().topic("del-a")).isEmpty();
            assertThat(BROKER.server().metadata().topic("del-b")).isEmpty();
        }
    }

    @Test
    void createPartitionsLowestAndHighest() throws Exception {
        try (RawClient c = client()) {
            createTopic(c, 7, "grow", 1, Map.of(), false);
            for (int[] vc : new int[][] {{0, 2}, {3, 4}}) {
                CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(5000)
                        .setValidateOnly(false);
                data.topics().add(new CreatePartitionsTopic().setName("grow").setCount(vc[1]).setAssignments(null));
                CreatePartitionsResponse r = c.send(ApiKeys.CREATE_PARTITIONS, vc[0], data);
                assertThat(r.data().results().get(0).errorCode()).isZero();
                assertThat(BROKER.server().metadata().topic("grow").orElseThrow().partitionCount()).isEqualTo(vc[1]);
            }
            CreatePartitionsRequestData shrink = new CreatePartitionsRequestData().setTimeoutMs(5000);
            shrink.topics().add(new CreatePartitionsTopic().setName("grow").setCount(2).setAssignments(null));
            CreatePartitionsResponse r = c.send(ApiKeys.CREATE_PARTITIONS, 3, shrink);
            assertThat(r.data().results().get(0).errorCode()).isEqualTo(Errors.INVALID_PARTITIONS.code());
            assertThat(r.data().results().get(0).errorMessage()).contains("4");
        }
    }

    static DescribeConfigsResult describe(RawClient c, int version, ConfigResource.Type type, String name,
            List<String> keys, boolean synonyms) {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(synonyms)
                .setIncludeDocumentation(false).setResources(List.of(new DescribeConfigsResource()
                        .setResourceType(type.id()).setResourceName(name).setConfigurationKeys(keys)));
        DescribeConfigsResponse r = c.send(ApiKeys.DESCRIBE_CONFIGS, version, data);
        return r.data().results().get(0);
    }

    @Test
    void configApisLowestAndHighest() throws Exception {
        try (RawClient c = client()) {
            createTopic(c, 7, "cfg", 1, Map.of("retention.ms", "1000"), false);
            DescribeConfigsResult v1 = describe(c, 1, ConfigResource.Type.TOPIC, "cfg", null, true);
            assertThat(v1.errorCode()).isZero();
            Map<String, DescribeConfigsResourceResult> entries = v1.configs().stream()
                    .collect(Collectors.toMap(DescribeConfigsResourceResult::name, e -> e));
            assertThat(entries.get("retention.ms").value()).isEqualTo("1000");
            assertThat(entries.get("retention.ms").synonyms()).hasSize(2);
            assertThat(entries.get("segment.bytes").configSource())
                    .isEqualTo(DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG.id());
            DescribeConfigsResult v4 = describe(c, 4, ConfigResource.Type.TOPIC, "cfg", List.of("cleanup.policy"), false);
            assertThat(v4.configs()).hasSize(1);
            assertThat(v4.configs().get(0).configType()).isEqualTo(DescribeConfigsResponse.ConfigType.LIST.id());
            assertThat(describe(c, 4, ConfigResource.Type.BROKER, "1", null, false).configs())
                    .anySatisfy(e -> assertThat(e.name()).isEqualTo("num.partitions"));
            assertThat(describe(c, 4, ConfigResource.Type.TOPIC, "nope", null, false).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());

            for (int v : new int[] {0, 1}) {
                IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(false);
                IncrementalAlterConfigsRequestData.AlterConfigsResource res =
                        new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("cfg");
                res.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("segment.ms")
                        .setConfigOperation((byte) 0).setValue(Integer.toString(60_000 + v)));
                data.resources().add(res);
                IncrementalAlterConfigsResponse r = c.send(ApiKeys.INCREMENTAL_ALTER_CONFIGS, v, data);
                assertThat(r.data().responses().get(0).errorCode()).isZero();
                assertThat(BROKER.server().metadata().topicConfigs("cfg")).containsEntry("segment.ms",
                        Integer.toString(60_000 + v));
            }
            for (int v : new int[] {0, 2}) {
                AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(false);
                AlterConfigsRequestData.AlterConfigsResource res = new AlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("cfg");
                res.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.bytes")
                        .setValue(Integer.toString(1_000_000 + v)));
                data.resources().add(res);
                AlterConfigsResponse r = c.send(ApiKeys.ALTER_CONFIGS, v, data);
                assertThat(r.data().responses().get(0).errorCode()).isZero();
                assertThat(BROKER.server().metadata().topicConfigs("cfg"))
                        .containsOnly(Map.entry("retention.bytes", Integer.toString(1_000_000 + v)));
            }
        }
    }

    @Test
    void describeClusterLowestAndHighest() throws Exception {
        try (RawClient c = client()) {
            DescribeClusterResponse v0 = c.send(ApiKeys.DESCRIBE_CLUSTER, 0, new DescribeClusterRequestData());
            assertThat(v0.data().errorCode()).isZero();
            assertThat(v0.data().clusterId()).isEqualTo(EmbeddedBroker.CLUSTER_ID);
            assertThat(v0.data().brokers().iterator().next().port()).isEqualTo(BROKER.port());
            DescribeClusterResponse v2 = c.send(ApiKeys.DESCRIBE_CLUSTER, 2, new DescribeClusterRequestData()
                    .setEndpointType((byte) 1).setIncludeFencedBrokers(true).setIncludeClusterAuthorizedOperations(true));
            assertThat(v2.data().controllerId()).isEqualTo(1);
            assertThat(v2.data().brokers().iterator().next().isFenced()).isFalse();
            assertThat(v2.data().clusterAuthorizedOperations()).isNotEqualTo(Integer.MIN_VALUE);
            DescribeClusterResponse controllers = c.send(ApiKeys.DESCRIBE_CLUSTER, 1,
                    new DescribeClusterRequestData().setEndpointType((byte) 2));
            assertThat(controllers.data().errorCode()).isEqualTo(Errors.MISMATCHED_ENDPOINT_TYPE.code());
        }
    }

    @Test
    void describeTopicPartitionsPagesWithACursor() throws Exception {
        try (RawClient c = client()) {
            createTopic(c, 7, "page-a", 3, Map.of(), false);
            createTopic(c, 7, "page-b", 2, Map.of(), false);
            List<String> seen = new ArrayList<>();
            DescribeTopicPartitionsRequestData.Cursor cursor = null;
            int requests = 0;
            do {
                DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                        .setTopics(List.of(new TopicRequest().setName("page-a"), new TopicRequest().setName("page-b"),
                                new TopicRequest().setName("page-missing")))
                        .setResponsePartitionLimit(2).setCursor(cursor);
                DescribeTopicPartitionsResponse r = c.send(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, data);
                for (DescribeTopicPartitionsResponseTopic t : r.data().topics()) {
                    if (t.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code()) {
                        seen.add(t.name() + "?");
                    }
                    t.partitions().forEach(p -> seen.add(t.name() + "-" + p.partitionIndex()));
                }
                var next = r.data().nextCursor();
                cursor = next == null ? null : new DescribeTopicPartitionsRequestData.Cursor()
                        .setTopicName(next.topicName()).setPartitionIndex(next.partitionIndex());
                requests++;
            } while (cursor != null && requests < 10);
            assertThat(seen).containsExactly("page-a-0", "page-a-1", "page-a-2", "page-b-0", "page-b-1",
                    "page-missing?");
            assertThat(requests).isEqualTo(3);
        }
    }
}
