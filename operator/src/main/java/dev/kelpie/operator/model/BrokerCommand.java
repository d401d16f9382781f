package dev.kelpie.operator.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The broker container's start command. A StatefulSet gives every pod the same spec, so what differs per
 * pod is derived at start from the pod's host name {@code <cluster>-<ordinal>}: the node id is the ordinal,
 * the first {@link ResolvedSpec#voters()} pods also run the controller, and each pod advertises its own
 * stable DNS name. They are exported as {@code KELPIE_NODE_ID}, {@code KELPIE_PROCESS_ROLES} and
 * {@code KELPIE_ADVERTISED_LISTENERS}, which the broker reads over the properties file.
 */
public final class BrokerCommand {

    /** Where the image keeps the distribution's start script. */
    public static final String SERVER_SCRIPT = "/opt/kelpie/bin/kelpie-server";
    public static final String CONFIG_DIR = "/etc/kelpie";
    public static final String CONFIG_FILE = "server.properties";

    private BrokerCommand() {
    }

    public static List<String> command(ResolvedSpec spec) {
        return List.of("/bin/sh", "-ec", script(spec));
    }

    static String script(ResolvedSpec spec) {
        String advertised = spec.listeners().stream()
                .map(l -> l.kafkaName() + "://${HOSTNAME}." + spec.names().podDomain() + ":" + l.port())
                .collect(Collectors.joining(","));
        return String.join("\n",
                "ordinal=\"${HOSTNAME##*-}\"",
                "export KELPIE_NODE_ID=\"${ordinal}\"",
                "if [ \"${ordinal}\" -lt " + spec.voters() + " ]; then roles=broker,controller; else roles=broker; fi",
                "export KELPIE_PROCESS_ROLES=\"${roles}\"",
                "export KELPIE_ADVERTISED_LISTENERS=\"" + advertised + "\"",
                "exec " + SERVER_SCRIPT + " " + CONFIG_DIR + "/" + CONFIG_FILE,
                "");
    }
}
