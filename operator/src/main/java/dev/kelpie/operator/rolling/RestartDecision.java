package dev.kelpie.operator.rolling;

/** What the rolling restart should do now; one step per reconcile. */
public sealed interface RestartDecision {

    /** Every pod runs the desired template and configuration. */
    record UpToDate() implements RestartDecision {
    }

    /**
     * Delete this pod; the StatefulSet recreates it from the current template.
     *
     * @param pod the pod's name
     * @param reason why, as an Event reason
     * @param message why, for humans
     * @param outdated pods out of date, this one included
     */
    record Restart(String pod, RestartReason reason, String message, int outdated) implements RestartDecision {
    }

    /**
     * Some pods are out of date, but restarting one now could take the cluster below what it needs.
     *
     * @param message what is awaited
     * @param outdated pods out of date
     */
    record Wait(String message, int outdated) implements RestartDecision {
    }
}
