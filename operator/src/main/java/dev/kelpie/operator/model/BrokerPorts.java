package dev.kelpie.operator.model;

/** Ports and paths fixed by the operator, and the defaults of the ones users choose. */
public final class BrokerPorts {

    /** The KRaft controller listener, used only between quorum voters. */
    public static final int CONTROLLER_PORT = 9093;
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    public static final String DEFAULT_LISTENER_NAME = "plain";
    public static final int DEFAULT_LISTENER_PORT = 9092;
    public static final int DEFAULT_METRICS_PORT = 9404;
    /** How many of the first pods vote in the metadata quorum: three survive the loss of one. */
    public static final int QUORUM_VOTERS_MAX = 3;

    private BrokerPorts() {
    }
}
