package io.orderpipeline.e2e;

import io.orderpipeline.launch.ClusterReader;
import java.util.Map;

/**
 * A cluster a test started itself (several brokers, or a secured one) for {@link Pipeline} to run
 * on instead of its own in-process broker: where it is, the settings the test's own clients (topic
 * creation, {@link ClusterReader}) connect with, and the replication factor of the topics it creates.
 * The test closes the cluster; the services' settings go in the pipeline's environment.
 */
public record ExternalCluster(String bootstrapServers, Map<String, String> clientProperties, short replicationFactor) {

    public ExternalCluster {
        clientProperties = Map.copyOf(clientProperties);
    }
}
