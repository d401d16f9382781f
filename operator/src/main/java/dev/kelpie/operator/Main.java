package dev.kelpie.operator;

import dev.kelpie.operator.runtime.KelpieOperator;
import dev.kelpie.operator.runtime.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the Kelpie operator with settings from the environment ({@link OperatorSettings}) and the
 * Kubernetes client's usual configuration (in-cluster service account, or kubeconfig). SIGTERM stops it
 * cleanly: no new reconciles, in-flight ones finish, the Lease is released by expiry.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
        KubernetesClient client = new KubernetesClientBuilder().build();
        KelpieOperator operator = KelpieOperator.start(settings, client, o -> { }, () -> System.exit(1));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            client.close();
            stopped.countDown();
        }, "kelpie-operator-shutdown"));
        stopped.await();
    }
}
