package dev.kelpie.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;

/**
 * Replaces a custom resource's whole status with one JSON Patch {@code add /status} operation. Unlike JOSDK's
 * own status patch (a JSON Patch diff against the cached copy, which edits the conditions list by index and
 * fails or removes the wrong entry when the cache is stale), it does not depend on what was there. Each
 * status has one writer, its reconciler, so no optimistic lock is needed. The result is handed to JOSDK's
 * cache, as the next reconcile may start before the watch delivers it. Stateless; thread-safe.
 */
public final class StatusPatch {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private StatusPatch() {
    }

    @SuppressWarnings("unchecked")
    public static <S, R extends CustomResource<?, S>> void replace(R resource, S status, Context<R> context) {
        String patch = JSON.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
        R updated = context.getClient().resources((Class<R>) resource.getClass())
                .inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName())
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON), patch);
        context.eventSourceRetriever().getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(resource), updated, resource);
        resource.setStatus(status);
    }
}
