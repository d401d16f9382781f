package dev.kelpie.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;

class ApiVersionsResponderTest {
    private final ApiVersionsResponder responder = new ApiVersionsResponder(
            EnumSet.of(ApiKeys.PRODUCE, ApiKeys.METADATA, ApiKeys.FETCH, ApiKeys.INIT_PRODUCER_ID));

    @Test
    void advertisesKafka44RangesWithProduceFromZeroAndApiVersionsAlways() {
        ApiVersionCollection versions = responder.apiVersions();

        assertThat(versions).extracting(ApiVersion::apiKey).containsExactly(ApiKeys.PRODUCE.id, ApiKeys.FETCH.id,
                ApiKeys.METADATA.id, ApiKeys.API_VERSIONS.id, ApiKeys.INIT_PRODUCER_ID.id);
        assertRange(versions.find(ApiKeys.PRODUCE.id), 0, ApiKeys.PRODUCE.latestVersion(false));
        assertRange(versions.find(ApiKeys.FETCH.id), ApiKeys.FETCH.oldestVersion(), ApiKeys.FETCH.latestVersion(false));
        assertRange(versions.find(ApiKeys.API_VERSIONS.id), 0, ApiKeys.API_VERSIONS.latestVersion(false));
        // InitProducerId v6 is unstable in 4.4: a 4.4 broker advertises 0-5.
        assertRange(versions.find(ApiKeys.INIT_PRODUCER_ID.id), 0, 5);
        assertThat(ApiKeys.INIT_PRODUCER_ID.latestVersion(true)).isGreaterThan((short) 5);
    }

    @Test
    void producesBelowThreeAreAdvertisedButNotServed() {
        for (short version = 0; version < 3; version++) {
            assertThat(responder.isAdvertised(ApiKeys.PRODUCE, version)).isTrue();
            assertThat(responder.isServed(ApiKeys.PRODUCE, version)).isFalse();
            short v = version;
            assertThatThrownBy(() -> responder.checkServed(ApiKeys.PRODUCE, v))
                    .isInstanceOf(UnsupportedVersionException.class);
        }
        assertThat(responder.isServed(ApiKeys.PRODUCE, (short) 3)).isTrue();
        assertThat(responder.isServed(ApiKeys.PRODUCE, ApiKeys.PRODUCE.latestVersion())).isTrue();
        assertThat(responder.isServed(ApiKeys.PRODUCE, (short) (ApiKeys.PRODUCE.latestVersion() + 1))).isFalse();
        assertThat(Errors.forException(new UnsupportedVersionException("x"))).isEqualTo(Errors.UNSUPPORTED_VERSION);
    }

    @Test
    void unimplementedKeysAreNeitherAdvertisedNorServed() {
        assertThat(responder.isAdvertised(ApiKeys.JOIN_GROUP, (short) 0)).isFalse();
        assertThat(responder.isServed(ApiKeys.JOIN_GROUP, (short) 0)).isFalse();
        assertThat(responder.implemented()).containsExactlyInAnyOrder(ApiKeys.PRODUCE, ApiKeys.METADATA,
                ApiKeys.FETCH, ApiKeys.INIT_PRODUCER_ID, ApiKeys.API_VERSIONS);
    }

    @Test
    void refusesTelemetryAndNonBrokerApis() {
        assertThatThrownBy(() -> new ApiVersionsResponder(Set.of(ApiKeys.PUSH_TELEMETRY)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApiVersionsResponder(Set.of(ApiKeys.GET_TELEMETRY_SUBSCRIPTIONS)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApiVersionsResponder(Set.of(ApiKeys.BROKER_HEARTBEAT)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answersValidRequestsWithTheFullList() {
        ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData()
                .setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.4.0"), (short) 4);

        ApiVersionsResponse response = responder.respond(request);

        assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.data().apiKeys()).hasSize(5);
    }

    @Test
    void answersV3RequestsWithoutValidSoftwareNameWithInvalidRequest() {
        ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData()
                .setClientSoftwareName("bad name!").setClientSoftwareVersion("1.0"), (short) 3);

        assertThat(responder.respond(request).data().errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void answersTooNewRequestsWithUnsupportedVersionAndTheFullList() {
        ApiVersionsRequest standIn = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0, (short) 99);

        ApiVersionsResponse response = responder.respond(standIn);

        assertThat(response.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(response.data().apiKeys()).hasSize(5);
        assertRange(response.data().apiKeys().find(ApiKeys.API_VERSIONS.id), 0, ApiKeys.API_VERSIONS.latestVersion());
    }

    @Test
    void buildsAFreshCollectionEachTime() {
        ApiVersionCollection first = responder.apiVersions();
        ApiVersionCollection second = responder.apiVersions();

        assertThat(first).isEqualTo(second);
        first.clear();
        assertThat(responder.apiVersions()).hasSize(5);
    }

    private static void assertRange(ApiVersion version, int min, int max) {
        assertThat(version).isNotNull();
        assertThat(version.minVersion()).isEqualTo((short) min);
        assertThat(version.maxVersion()).isEqualTo((short) max);
    }
}
