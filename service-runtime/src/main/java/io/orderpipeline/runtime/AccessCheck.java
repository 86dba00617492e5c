package io.orderpipeline.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the streams app starts, that the service's principal has the rights its
 * topology needs, and fails with an error naming each one that is missing
 * ({@code order-filter lacks WRITE on topic high-value-orders}), instead of a stall (a consumer
 * without READ waits, a producer without WRITE fails only at its first record) or a failure only
 * when the first bad record needs the dead-letter topic. What it asks the brokers (an admin client
 * with the service's own settings):
 * <ul>
 *   <li>READ on every input topic, WRITE on every output topic and on the dead-letter topic: the
 *       topics' authorized operations ({@code describeTopics} with {@code includeAuthorizedOperations});</li>
 *   <li>READ on the group {@code application.id}: the group's authorized operations once it exists,
 *       at least DESCRIBE (implied by READ) before;</li>
 *   <li>under exactly-once, WRITE on the transactional ids {@code <application.id>-...}: a
 *       transactional id of that prefix may be described (implied by WRITE);</li>
 *   <li>with internal topics (stores, repartitions), CREATE on topics {@code <application.id>-...}:
 *       a validate-only creation of one.</li>
 * </ul>
 * It runs when the service authenticates ({@code security.protocol} other than {@code PLAINTEXT}:
 * on a plaintext listener every client is the same anonymous user, and a broker without an
 * authorizer allows everything anyway). A broker it cannot reach in {@link #TIMEOUT} is logged and
 * the start goes on (the streams app then waits for it as usual).
 * The ACLs that grant exactly these rights: {@code deploy/acls.sh}.
 */
public final class AccessCheck {

    private static final Logger log = LoggerFactory.getLogger(AccessCheck.class);
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private AccessCheck() {
    }

    /** Throws {@link IllegalStateException} naming every right the service lacks. */
    public static void verify(ServiceConfig config, Topology topology) {
        Properties streamsProps = config.streamsProperties();
        StreamsConfig streams = new StreamsConfig(streamsProps);
        if (streams.getString(AdminClientConfig.SECURITY_PROTOCOL_CONFIG).equalsIgnoreCase("PLAINTEXT")) {
            return;
        }
        String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        Map<String, Object> adminConfig = streams.getAdminConfigs(applicationId + "-access-check");
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        Needs needs = Needs.of(topology.describe());
        String deadLetter = streams.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (deadLetter != null) {
            needs.outputs.add(deadLetter);
        }
        boolean exactlyOnce = streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).startsWith("exactly_once");
        List<String> missing = new ArrayList<>();
        try (Admin admin = Admin.create(adminConfig)) {
            checkTopics(admin, needs.inputs, AclOperation.READ, missing);
            checkTopics(admin, needs.outputs, AclOperation.WRITE, missing);
            checkGroup(admin, applicationId, missing);
            if (exactlyOnce) {
                checkTransactionalIds(admin, applicationId, missing);
            }
            if (needs.internalTopics) {
                checkInternalTopics(admin, applicationId, missing);
            }
        } catch (TimeoutException e) {
            log.warn("{}: could not check its rights on the cluster within {} ({}); starting anyway", config.service(), TIMEOUT, e.toString());
            return;
        }
        if (!missing.isEmpty()) {
            List<String> lines = missing.stream().map(m -> config.service() + " lacks " + m).toList();
            lines.forEach(line -> log.error("{} (application.id {})", line, applicationId));
            throw new IllegalStateException(String.join("; ", lines) + " (application.id " + applicationId
                    + "; the ACLs it needs: deploy/acls.sh)");
        }
        log.info("{}: rights checked: READ on {}, WRITE on {}, group {}{}{}", config.service(), needs.inputs, needs.outputs,
                applicationId, exactlyOnce ? ", transactional ids " + applicationId + "-*" : "",
                needs.internalTopics ? ", CREATE on topics " + applicationId + "-*" : "");
    }

    /** The topics a topology reads and writes (internal ones left out), and whether it has internal topics. */
    record Needs(Set<String> inputs, Set<String> outputs, boolean internalTopics) {

        static Needs of(TopologyDescription description) {
            Set<String> inputs = new LinkedHashSet<>();
            Set<String> outputs = new LinkedHashSet<>();
            boolean internal = !description.globalStores().isEmpty();
            for (TopologyDescription.Subtopology sub : description.subtopologies()) {
                for (TopologyDescription.Node node : sub.nodes()) {
                    if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                        for (String topic : source.topicSet()) {
                            if (isInternal(topic)) {
                                internal = true;
                            } else {
                                inputs.add(topic);
                            }
                        }
                    } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                        if (isInternal(sink.topic())) {
                            internal = true;
                        } else {
                            outputs.add(sink.topic());
                        }
                    } else if (node instanceof TopologyDescription.Processor processor && !processor.stores().isEmpty()) {
                        internal = true;
                    }
                }
            }
            return new Needs(inputs, outputs, internal);
        }
    }

    private static boolean isInternal(String topic) {
        return topic.endsWith("-repartition") || topic.endsWith("-changelog");
    }

    private static void checkTopics(Admin admin, Set<String> topics, AclOperation needed, List<String> missing) throws TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<TopicDescription>> results =
                admin.describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
        for (String topic : topics) {
            try {
                Set<AclOperation> allowed = get(results.get(topic)).authorizedOperations();
                if (allowed != null && !allowed.contains(needed) && !allowed.contains(AclOperation.ALL)) {
                    missing.add(needed + " on topic " + topic);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    missing.add(needed + " on topic " + topic);
                } else {
                    // a missing topic, say: the streams app reports it in its own words
                    log.warn("cannot check the rights on topic {}: {}", topic, e.getCause().toString());
                }
            }
        }
    }

    private static void checkGroup(Admin admin, String group, List<String> missing) throws TimeoutException {
        try {
            ConsumerGroupDescription description = get(admin.describeConsumerGroups(List.of(group),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups().get(group));
            Set<AclOperation> allowed = description.authorizedOperations();
            if (allowed != null && !allowed.isEmpty() && !allowed.contains(AclOperation.READ) && !allowed.contains(AclOperation.ALL)) {
                missing.add("READ on group " + group);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                missing.add("READ on group " + group);
            } else {
                // no such group yet (the first start): DESCRIBE was allowed, which READ implies
                log.debug("group {}: {}", group, e.getCause().toString());
            }
        }
    }

    private static void checkTransactionalIds(Admin admin, String applicationId, List<String> missing) throws TimeoutException {
        String probe = applicationId + "-access-check";
        try {
            get(admin.describeTransactions(List.of(probe)).description(probe));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdAuthorizationException) {
                missing.add("WRITE on transactional ids prefixed " + applicationId + "-");
            } else {
                // TransactionalIdNotFoundException: DESCRIBE was allowed, which WRITE implies
                log.debug("transactional id {}: {}", probe, e.getCause().toString());
            }
        }
    }

    private static void checkInternalTopics(Admin admin, String applicationId, List<String> missing) throws TimeoutException {
        NewTopic probe = new NewTopic(applicationId + "-access-check-changelog", Optional.of(1), Optional.empty());
        try {
            get(admin.createTopics(List.of(probe), new CreateTopicsOptions().validateOnly(true)).all());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                missing.add("CREATE on topics prefixed " + applicationId + "- (its internal topics)");
            } else {
                log.debug("validate-only creation of {}: {}", probe.name(), e.getCause().toString());
            }
        }
    }

    private static <T> T get(KafkaFuture<T> future) throws ExecutionException, TimeoutException {
        try {
            return future.get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException timeout) {
                throw new TimeoutException(timeout.getMessage());
            }
            throw e;
        }
    }
}
