package dev.kelpie.operator.rolling;

/** Why the operator restarts a broker pod; the names are the Kubernetes Event reasons. */
public enum RestartReason {
    /** The pod's restart hash differs from the desired one: configuration or pod template changed. */
    PodOutOfDate,
    /** The pod is out of date and cannot start (crash loop, image pull failure, unschedulable): it is already down. */
    PodStuck
}
