package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.BrokerRegistration;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster (key 60, v0–2): cluster id, controller and registered brokers. v1's endpoint type must be
 * BROKER (1) — this is a broker listener — else MISMATCHED_ENDPOINT_TYPE (CONTROLLER, 2) or
 * UNSUPPORTED_ENDPOINT_TYPE. v2 reports fencing; Kelpie's registered brokers are never fenced yet.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    static final byte ENDPOINT_BROKER = 1;
    static final byte ENDPOINT_CONTROLLER = 2;

    private final MetadataCache cache;
    private final int nodeId;

    public DescribeClusterHandler(MetadataCache cache, int nodeId) {
        this.cache = cache;
        this.nodeId = nodeId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public Class<DescribeClusterRequest> requestType() {
        return DescribeClusterRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DescribeClusterRequest request) {
        byte endpointType = request.data().endpointType();
        DescribeClusterResponseData data = new DescribeClusterResponseData().setEndpointType(endpointType);
        if (endpointType == ENDPOINT_CONTROLLER) {
            return done(data.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint "
                            + "of type CONTROLLER"));
        }
        if (endpointType != ENDPOINT_BROKER) {
            return done(data.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Unsupported endpoint type " + endpointType));
        }
        MetadataImage image = cache.image();
        data.setClusterId(image.clusterId()).setControllerId(nodeId).setClusterAuthorizedOperations(
                AuthorizedOperations.cluster(request.data().includeClusterAuthorizedOperations()));
        for (BrokerRegistration b : image.brokers().values()) {
            data.brokers().add(new DescribeClusterBroker().setBrokerId(b.id()).setHost(b.host()).setPort(b.port())
                    .setRack(b.rack()).setIsFenced(false));
        }
        return done(data);
    }

    private static CompletionStage<AbstractResponse> done(DescribeClusterResponseData data) {
        return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
    }
}
