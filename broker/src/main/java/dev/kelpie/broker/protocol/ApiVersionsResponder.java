package dev.kelpie.broker.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType.ListenerType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * What this broker advertises in ApiVersions, and which (api key, version) pairs it serves.
 *
 * <p>The advertised range of each implemented API is Kafka 4.4's broker range
 * ({@code ApiKeys.toApiVersionForApiResponse(false, BROKER)}): {@code oldestVersion()} to the latest stable
 * version, except Produce, which is advertised from 0 (KAFKA-18659: librdkafka enables gzip/snappy/lz4
 * only when the Produce range overlaps [0,0], and zstd only when it overlaps [0,7]) but served from 3 only.
 * GetTelemetrySubscriptions and PushTelemetry are never advertised: clients call whatever is advertised.
 *
 * <table>
 *   <caption>Outcomes</caption>
 *   <tr><th>request</th><th>outcome</th></tr>
 *   <tr><td>served (key, version)</td><td>handled</td></tr>
 *   <tr><td>ApiVersions newer than 5</td><td>v0 UNSUPPORTED_VERSION reply listing every advertised API
 *       (KIP-511); the client retries with our maximum</td></tr>
 *   <tr><td>Produce v0–2</td><td>advertised but not served: the connection is closed, as Kafka 4.4's socket
 *       server does ({@link #checkServed} throws UNSUPPORTED_VERSION for callers that answer instead)</td></tr>
 *   <tr><td>anything else</td><td>not served: the connection is closed</td></tr>
 * </table>
 *
 * <p>Thread-safety: immutable; safe from any thread. Responses are built fresh on every call because a
 * generated {@code ApiVersion} element belongs to one collection only.
 */
public final class ApiVersionsResponder {
    private static final Set<ApiKeys> NEVER_ADVERTISED =
            EnumSet.of(ApiKeys.GET_TELEMETRY_SUBSCRIPTIONS, ApiKeys.PUSH_TELEMETRY);

    private final Map<ApiKeys, VersionRange> advertised;

    /**
     * @param implemented the API keys the broker has handlers for; ApiVersions is always added
     * @throws IllegalArgumentException if a key is a telemetry API or not a broker API in Kafka 4.4
     */
    public ApiVersionsResponder(Set<ApiKeys> implemented) {
        EnumMap<ApiKeys, VersionRange> ranges = new EnumMap<>(ApiKeys.class);
        EnumSet<ApiKeys> keys = implemented.isEmpty() ? EnumSet.noneOf(ApiKeys.class) : EnumSet.copyOf(implemented);
        keys.add(ApiKeys.API_VERSIONS);
        for (ApiKeys key : keys) {
            if (NEVER_ADVERTISED.contains(key)) {
                throw new IllegalArgumentException(key + " is never advertised: clients call every advertised API");
            }
            ApiVersion range = key.toApiVersionForApiResponse(false, ListenerType.BROKER)
                    .filter(any -> key.inScope(ListenerType.BROKER))
                    .orElseThrow(() -> new IllegalArgumentException(key + " is not a broker API in Kafka 4.4"));
            ranges.put(key, new VersionRange(range.minVersion(), range.maxVersion(), key.oldestVersion()));
        }
        this.advertised = Collections.unmodifiableMap(ranges);
    }

    /** The implemented API keys, ApiVersions included. */
    public Set<ApiKeys> implemented() {
        return advertised.isEmpty() ? EnumSet.noneOf(ApiKeys.class) : EnumSet.copyOf(advertised.keySet());
    }

    /** Whether {@code version} of {@code key} is inside the advertised range (Produce v0–2 included). */
    public boolean isAdvertised(ApiKeys key, short version) {
        VersionRange range = advertised.get(key);
        return range != null && version >= range.advertisedMin && version <= range.max;
    }

    /** Whether requests of this key and version are parsed and handled (Produce v0–2 are not). */
    public boolean isServed(ApiKeys key, short version) {
        VersionRange range = advertised.get(key);
        return range != null && version >= range.servedMin && version <= range.max;
    }

    /**
     * @throws UnsupportedVersionException (UNSUPPORTED_VERSION) unless {@link #isServed} holds
     */
    public void checkServed(ApiKeys key, short version) {
        if (!isServed(key, version)) {
            throw new UnsupportedVersionException(key + " v" + version + " is not supported; advertised "
                    + (advertised.containsKey(key) ? advertised.get(key) : "nothing"));
        }
    }

    /**
     * The answer to an ApiVersions request: UNSUPPORTED_VERSION (v0 body) for a too-new request, INVALID_REQUEST
     * when a v3+ request lacks a valid client software name or version, otherwise the advertised list.
     * Finalized and supported features are left empty; callers may add them to {@code data()}.
     */
    public ApiVersionsResponse respond(ApiVersionsRequest request) {
        if (request.hasUnsupportedRequestVersion()) {
            return unsupportedVersion();
        }
        if (!request.isValid()) {
            return request.getErrorResponse(0, Errors.INVALID_REQUEST.exception());
        }
        return new ApiVersionsResponse(new ApiVersionsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setApiKeys(apiVersions()));
    }

    /**
     * The KIP-511 reply to an ApiVersions request newer than we serve: encode it as a v0 body under response
     * header v0. Lists every advertised API, so the client learns our ApiVersions maximum.
     */
    public ApiVersionsResponse unsupportedVersion() {
        return new ApiVersionsResponse(new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(apiVersions()));
    }

    /** A fresh collection of the advertised ranges, in api key order. */
    public ApiVersionCollection apiVersions() {
        List<ApiVersion> versions = new ArrayList<>(advertised.size());
        advertised.forEach((key, range) -> versions.add(new ApiVersion()
                .setApiKey(key.id)
                .setMinVersion(range.advertisedMin)
                .setMaxVersion(range.max)));
        return new ApiVersionCollection(versions.iterator());
    }

    private record VersionRange(short advertisedMin, short max, short servedMin) {
        @Override
        public String toString() {
            return advertisedMin + "-" + max + (servedMin != advertisedMin ? " (served from " + servedMin + ")" : "");
        }
    }
}
