package dev.kelpie.operator.runtime;

import dev.kelpie.operator.cluster.ClusterReconciler;
import dev.kelpie.operator.events.EventRecorder;
import dev.kelpie.operator.topic.AdminClients;
import dev.kelpie.operator.topic.BootstrapResolver;
import dev.kelpie.operator.topic.TopicReconciler;
import dev.kelpie.operator.topic.TopicSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: JOSDK with the Cluster and Topic reconcilers, optional leader election, and the HTTP
 * port. {@link #close()} stops reconciling (in-flight reconciles finish), closes the Topic reconciler's Admin
 * clients, then the HTTP port. Thread-safe.
 */
public final class KelpieOperator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KelpieOperator.class);

    private final Operator operator;
    private final TopicReconciler topics;
    private final HttpEndpoints http;
    private final JvmGcMetrics gcMetrics;
    private final AtomicBoolean stopping;

    private KelpieOperator(Operator operator, TopicReconciler topics, HttpEndpoints http, JvmGcMetrics gcMetrics,
            AtomicBoolean stopping) {
        this.operator = operator;
        this.topics = topics;
        this.http = http;
        this.gcMetrics = gcMetrics;
        this.stopping = stopping;
    }

    /**
     * Starts reconciling with {@code client}.
     *
     * @param clientOverrides adjusts JOSDK's configuration (tests turn server-side apply off for the mock)
     * @param onLeaseLost what to do when another replica took the Lease while this one was not stopping:
     *     {@code System.exit}, so that only one replica ever reconciles (JOSDK's own exit would also fire
     *     on a clean stop, from inside the shutdown)
     */
    public static KelpieOperator start(OperatorSettings settings, KubernetesClient client,
            Consumer<ConfigurationServiceOverrider> clientOverrides, Runnable onLeaseLost) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmGcMetrics gcMetrics = bindJvmMetrics(registry);
        AtomicBoolean leading = new AtomicBoolean(!settings.leaderElection());
        AtomicBoolean stopping = new AtomicBoolean();
        // held strongly: without leader election nothing else refers to the flag, and Micrometer's default weak
        // reference would turn the gauge into NaN after the next GC
        Gauge.builder("kelpie.operator.leader", leading, l -> l.get() ? 1 : 0).strongReference(true)
                .description("1 while this replica holds the Lease and reconciles").register(registry);

        OperatorMetrics metrics = new OperatorMetrics(registry);
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client).withMetrics(metrics);
            if (settings.leaderElection()) {
                o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder
                        .aLeaderElectionConfiguration(settings.leaseName())
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withIdentity(settings.identity())
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(new LeaderCallbacks(() -> leading.set(true), () -> {
                            leading.set(false);
                            if (!stopping.get()) {
                                LOG.error("Lost the Lease {}/{}; stopping so that only one replica reconciles",
                                        settings.leaseNamespace(), settings.leaseName());
                                onLeaseLost.run();
                            }
                        }, leader -> LOG.info("Leader is now {}", leader)))
                        .build());
            }
            clientOverrides.accept(o);
        });
        Clock clock = Clock.systemUTC();
        EventRecorder events = new EventRecorder(clock, settings.identity());
        operator.register(new ClusterReconciler(settings.defaults(), clock, events, () -> metrics.podRestarted("Cluster")),
                c -> watch(settings, c));
        TopicSettings topicSettings = TopicSettings.defaults();
        TopicReconciler topics = new TopicReconciler(BootstrapResolver.bootstrapService(), topicSettings,
                AdminClients.withTimeout(topicSettings.adminCallTimeout()), clock, events);
        operator.register(topics, c -> watch(settings, c));
        operator.start();
        HttpEndpoints http = HttpEndpoints.start(settings.httpPort(), registry,
                () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy());
        LOG.info("Kelpie operator {} watching {}; metrics and health on port {}", settings.defaults().brokerVersion(),
                settings.watchesAllNamespaces() ? "all namespaces" : settings.watchNamespaces(), http.port());
        return new KelpieOperator(operator, topics, http, gcMetrics, stopping);
    }

    private static <R extends HasMetadata> void watch(OperatorSettings settings, ControllerConfigurationOverrider<R> c) {
        if (settings.watchesAllNamespaces()) {
            c.watchingAllNamespaces();
        } else {
            c.settingNamespaces(settings.watchNamespaces());
        }
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        LOG.info("Stopping the Kelpie operator");
        stopping.set(true);
        operator.stop();
        topics.close();
        http.close();
        gcMetrics.close();
    }

    private static JvmGcMetrics bindJvmMetrics(PrometheusMeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return gc;
    }
}
