package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.orderpipeline.common.Services;
import io.orderpipeline.common.Topics;
import io.orderpipeline.enricher.OrderEnricherTopology;
import io.orderpipeline.filter.OrderFilterTopology;
import io.orderpipeline.runtime.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes, checked without a cluster (docs/kubernetes.md). Every file is parsed into the
 * typed Kubernetes objects of the fabric8 model, which keeps a field it does not know in an
 * {@code additionalProperties} map: any such entry, in any nested object, fails the test (a
 * misspelt field that kubectl would reject, or worse, drop). KEDA's objects, which have no model,
 * are checked against the fields KEDA's documentation defines ({@link #KEDA_FIELDS}). Then what the
 * objects must say for this suite: a StatefulSet with a state volume, static member ids and peer
 * addresses under a headless Service for each stateful service; a Deployment scaled by KEDA on its
 * consumer group's lag on its input topic for each stateless one; probes on the management port,
 * resource requests and a disruption budget for all; each container's environment only what its
 * service reads ({@link ServiceEnvironment}: common-model's EnvVariable, as {@code ComposeEnvironmentIT}
 * for docker-compose.yml); every Secret they use created by a command of docs/kubernetes.md.
 * {@link #theChecksRejectWhatIsWrong} shows that each kind of check can fail.
 */
class KubernetesManifestsIT {

    private static final Path ROOT = Pipeline.projectRoot();
    private static final Path DIR = ROOT.resolve("deploy").resolve("kubernetes");
    private static final String KEDA_API = "keda.sh/v1alpha1";
    private static final Set<String> STATEFUL = Set.of("customer-stats", "product-revenue", "customer-join");
    /** The stateless services and their topologies, whose source topics KEDA must watch. */
    private static final Map<String, Supplier<Topology>> STATELESS =
            Map.of("order-filter", OrderFilterTopology::build, "order-enricher", OrderEnricherTopology::build);
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "ConfigMap", ConfigMap.class, "Service", Service.class, "StatefulSet", StatefulSet.class,
            "Deployment", Deployment.class, "PodDisruptionBudget", PodDisruptionBudget.class);
    /** Plain Jackson, strict about scalars as the API server is: no number or boolean read as a string, nor back. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }

    /**
     * The fields of KEDA's objects (keda.sh/v1alpha1) as KEDA's documentation defines them
     * (reference/scaledobject-spec, concepts/authentication, scalers/apache-kafka, KEDA 2.17): a
     * leaf is a type (string, int, bool; "object": defined by KEDA, not used here, not looked
     * into), ObjectMeta and HorizontalPodAutoscalerBehavior are checked with the Kubernetes model,
     * another name is an entry of this map, a list shows the fields of its elements. A kafka
     * trigger's metadata is KEDA's map of strings.
     */
    private static final String KEDA_FIELDS = """
            ScaledObject:
              apiVersion: string
              kind: string
              metadata: ObjectMeta
              spec:
                scaleTargetRef: {apiVersion: string, kind: string, name: string, envSourceContainerName: string}
                pollingInterval: int
                cooldownPeriod: int
                initialCooldownPeriod: int
                idleReplicaCount: int
                minReplicaCount: int
                maxReplicaCount: int
                fallback: {failureThreshold: int, replicas: int, behavior: string}
                advanced:
                  restoreToOriginalReplicaCount: bool
                  horizontalPodAutoscalerConfig: {name: string, behavior: HorizontalPodAutoscalerBehavior}
                  scalingModifiers: {target: string, activationTarget: string, metricType: string, formula: string}
                triggers:
                  - type: string
                    name: string
                    metadata: kafka
                    authenticationRef: {name: string, kind: string}
                    useCachedMetrics: bool
                    metricType: string
            TriggerAuthentication:
              apiVersion: string
              kind: string
              metadata: ObjectMeta
              spec:
                podIdentity: {provider: string, identityId: string, roleArn: string, identityOwner: string}
                secretTargetRef:
                  - {parameter: string, name: string, key: string}
                env:
                  - {parameter: string, name: string, containerName: string}
                hashiCorpVault: object
                azureKeyVault: object
                awsSecretManager: object
                gcpSecretManager: object
            kafka:
              bootstrapServers: string
              consumerGroup: string
              topic: string
              lagThreshold: string
              activationLagThreshold: string
              offsetResetPolicy: string
              allowIdleConsumers: string
              scaleToZeroOnInvalidOffset: string
              excludePersistentLag: string
              limitToPartitionsWithLag: string
              ensureEvenDistributionOfPartitions: string
              version: string
              partitionLimitation: string
              sasl: string
              saslTokenProvider: string
              tls: string
              unsafeSsl: string
              awsRegion: string
            """;
    /** The authentication parameters of KEDA's kafka scaler (scalers/apache-kafka, "Authentication Parameters"). */
    private static final Set<String> KAFKA_AUTH_PARAMETERS = Set.of("sasl", "saslTokenProvider", "username", "password", "keytab",
            "realm", "kerberosConfig", "kerberosServiceName", "kerberosDisableFAST", "oauthTokenEndpointUri", "scopes",
            "oauthExtensions", "tls", "ca", "cert", "key", "keyPassword", "awsRoleArn", "awsAccessKeyID", "awsSecretAccessKey");

    /** KEDA's name of each SASL mechanism (its kafka scaler's {@code sasl}). */
    private static final Map<String, String> KEDA_SASL = Map.of("PLAIN", "plaintext", "SCRAM-SHA-256", "scram_sha256",
            "SCRAM-SHA-512", "scram_sha512", "GSSAPI", "gssapi", "OAUTHBEARER", "oauthbearer");

    /** One object of a file: where it is, its tree, and its typed Kubernetes object (null for KEDA's). */
    private record Manifest(String where, JsonNode tree, HasMetadata object) {
    }

    private static List<Manifest> manifests;
    private static JsonNode kedaFields;

    @BeforeAll
    static void readManifests() throws IOException {
        kedaFields = MAPPER.valueToTree(new Yaml().load(KEDA_FIELDS));
        manifests = new ArrayList<>();
        for (String file : manifestFiles()) {
            manifests.addAll(parse(file, Files.readString(DIR.resolve(file))));
        }
    }

    // ---------------------------------------------------------------- the files, as Kubernetes reads them

    @Test
    void everyObjectIsATypedKubernetesObjectWithNoUnknownField() {
        List<String> problems = new ArrayList<>();
        for (Manifest manifest : manifests) {
            problems.addAll(manifest.object() == null ? kedaProblems(manifest) : unknownFields(manifest.object(), manifest.where()));
            assertThat(manifest.tree().path("metadata").has("namespace")).as(manifest.where() + ": no namespace (kubectl -n chooses)")
                    .isFalse();
        }
        assertThat(problems).isEmpty();
        assertThat(manifests.stream().map(m -> m.tree().path("kind").asText()).collect(Collectors.toSet()))
                .containsAll(MODELS.keySet()).contains("ScaledObject", "TriggerAuthentication");
    }

    @Test
    void kustomizationListsExactlyTheFilesPresent() throws IOException {
        Map<String, Object> kustomization = new Yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
        assertThat(kustomization).containsEntry("apiVersion", "kustomize.config.k8s.io/v1beta1").containsEntry("kind", "Kustomization")
                .containsOnlyKeys("apiVersion", "kind", "resources");
        assertThat(kustomization.get("resources")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrderElementsOf(manifestFiles());
    }

    // ---------------------------------------------------------------- the workloads

    @Test
    void statefulServicesAreStatefulSetsWithAStateVolumeStaticMembersAndPeerAddresses() throws IOException {
        for (String service : STATEFUL) {
            assertThat(workload(service)).as(service).isInstanceOf(StatefulSet.class);
            StatefulSet set = (StatefulSet) workload(service);
            Container container = container(service);
            Map<String, String> env = literalEnv(container);
            assertThat(ServiceEnvironment.of(service).servesHttp()).as(service + " serves queries").isTrue();

            // the state directory: the Dockerfile's, on a volume of the pod's own (kept with its name)
            String stateDir = env.get(ServiceConfig.STATE_DIR);
            assertThat(stateDir).as(service + " STATE_DIR").isEqualTo(dockerfile("STATE_DIR=(\\S+)"));
            String volume = mountAt(container, stateDir);
            PersistentVolumeClaim claim = set.getSpec().getVolumeClaimTemplates().stream()
                    .filter(c -> c.getMetadata().getName().equals(volume)).findFirst().orElse(null);
            assertThat(claim).as(service + ": the volume at " + stateDir + " is a volumeClaimTemplate").isNotNull();
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getResources().getRequests()).as(service + " state volume size").containsKey("storage");
            assertThat(set.getSpec().getTemplate().getSpec().getSecurityContext().getFsGroup())
                    .as(service + ": fsGroup, so the image's user may write the volume").isEqualTo(Long.valueOf(dockerfile("--gid (\\d+)")));

            // the heap's share of the memory limit taken at start (the Dockerfile's reason)
            String jvm = env.get("JAVA_TOOL_OPTIONS");
            java.util.regex.Matcher max = java.util.regex.Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(jvm);
            assertThat(max.find()).as(service + " JAVA_TOOL_OPTIONS sets MaxRAMPercentage: " + jvm).isTrue();
            assertThat(jvm).as(service + " JAVA_TOOL_OPTIONS").contains("-XX:InitialRAMPercentage=" + max.group(1));

            // static membership: the pod's stable name
            EnvVar instanceId = envVar(container, "KAFKA_GROUP_INSTANCE_ID");
            assertThat(instanceId.getValueFrom().getFieldRef().getFieldPath()).as(service + " static member id").isEqualTo("metadata.name");

            // the peers reach it at <pod>.<headless service>:<HTTP_PORT>
            String headless = set.getSpec().getServiceName();
            Service peers = service(headless);
            assertThat(peers.getSpec().getClusterIP()).as(headless + " is headless").isEqualTo("None");
            assertThat(peers.getSpec().getPublishNotReadyAddresses()).as(headless + ": restoring pods resolve too").isTrue();
            assertThat(selects(peers.getSpec().getSelector(), set.getSpec().getTemplate())).as(headless + " selects " + service).isTrue();
            String port = env.get(ServiceConfig.HTTP_PORT);
            assertThat(peers.getSpec().getPorts()).extracting(ServicePort::getPort).as(headless + " ports").contains(Integer.valueOf(port));
            assertThat(expand(container, ServiceConfig.APPLICATION_SERVER)).as(service + " APPLICATION_SERVER")
                    .isEqualTo("{pod name}." + headless + ":" + port);

            // standbys: on another instance, so fewer than the replicas
            int standbys = Integer.parseInt(env.get(ServiceConfig.NUM_STANDBY_REPLICAS));
            int replicas = set.getSpec().getReplicas();
            assertThat(standbys).as(service + " NUM_STANDBY_REPLICAS with " + replicas + " replicas")
                    .isLessThan(replicas).isGreaterThanOrEqualTo(replicas > 1 ? 1 : 0);
        }
        // customer-join/README.md, "Restarts rebuild the customers store": one instance until the Kafka bug is fixed
        assertThat(((StatefulSet) workload("customer-join")).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void statelessServicesAreDeploymentsThatKedaScales() throws IOException {
        for (String service : STATELESS.keySet()) {
            assertThat(workload(service)).as(service).isInstanceOf(Deployment.class);
            Deployment deployment = (Deployment) workload(service);
            Container container = container(service);
            assertThat(ServiceEnvironment.of(service).servesHttp()).as(service + " serves queries").isFalse();
            assertThat(deployment.getSpec().getReplicas()).as(service + ": replicas left to KEDA's HPA").isNull();
            String volume = mountAt(container, literalEnv(container).get(ServiceConfig.STATE_DIR));
            assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals(volume))
                    .as(service + ": its state directory on an emptyDir").singleElement().extracting(Volume::getEmptyDir).isNotNull();
            // a new pod name at each start would leave a static member behind each time
            assertThat(container.getEnv()).extracting(EnvVar::getName).as(service).doesNotContain("KAFKA_GROUP_INSTANCE_ID");
        }
    }

    @Test
    void everyWorkloadHasProbesOnItsManagementPortRequestsAndADisruptionBudget() throws IOException {
        assertThat(workloads()).extracting(w -> w.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(Services.NAMES);
        for (String service : Services.NAMES) {
            Container container = container(service);
            PodTemplateSpec pod = template(workload(service));
            int management = ServiceConfig.of(Services.named(service), literalEnv(container)).managementPort();
            assertProbe(service + " liveness", container, container.getLivenessProbe(), "/health/live", management);
            assertProbe(service + " readiness", container, container.getReadinessProbe(), "/health/ready", management);
            assertThat(container.getResources().getRequests()).as(service + " requests").containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as(service + " limits").containsKey("memory");
            assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).as(service + " runs as the image's user")
                    .isEqualTo(Long.valueOf(dockerfile("--uid (\\d+)")));

            List<PodDisruptionBudget> budgets = objects(PodDisruptionBudget.class).stream()
                    .filter(b -> selects(b.getSpec().getSelector().getMatchLabels(), pod)).toList();
            assertThat(budgets).as(service + ": one PodDisruptionBudget").hasSize(1);
            assertThat(budgets.get(0).getSpec().getMaxUnavailable()).as(service + " maxUnavailable").isEqualTo(new IntOrString(1));
        }
        for (Service service : objects(Service.class)) {
            List<HasMetadata> selected = workloads().stream().filter(w -> selects(service.getSpec().getSelector(), template(w))).toList();
            assertThat(selected).as(service.getMetadata().getName() + " selects one workload").hasSize(1);
            Container container = container(selected.get(0).getMetadata().getName());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(containerPort(container, port.getTargetPort())).as(service.getMetadata().getName() + " port " + port.getName())
                        .isEqualTo(port.getPort());
            }
        }
        for (PodDisruptionBudget budget : objects(PodDisruptionBudget.class)) {
            assertThat(budget.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(workloads().stream().filter(w -> selects(budget.getSpec().getSelector().getMatchLabels(), template(w))))
                    .as(budget.getMetadata().getName() + " selects one workload").hasSize(1);
        }
    }

    // ---------------------------------------------------------------- the environment

    @Test
    void eachContainersEnvironmentIsWhatItsServiceReads() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String service : Services.NAMES) {
            Container container = container(service);
            ServiceEnvironment jar = ServiceEnvironment.of(service);
            jar.unread(envNames(container)).forEach(problem -> problems.add(service + ": " + problem));

            Map<String, String> env = literalEnv(container);
            assertThat(env).as(service).containsEntry(ServiceConfig.APPLICATION_ID, service)
                    .containsKeys(ServiceConfig.BOOTSTRAP_SERVERS, ServiceConfig.STATE_DIR);
            if (jar.servesHttp()) {
                assertThat(env).as(service).containsKeys(ServiceConfig.HTTP_PORT, ServiceConfig.APPLICATION_SERVER);
            }
            for (EnvVar var : container.getEnv()) {
                expand(container, var.getName()); // every $(NAME) names a variable set before it
            }
            if (env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").startsWith("SASL")) {
                assertThat(envVar(container, "KAFKA_SASL_JAAS_CONFIG").getValueFrom().getSecretKeyRef())
                        .as(service + ": its Kafka credentials from a Secret").isNotNull();
            }
            String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
            if (truststore != null) {
                assertThat(secretFiles(container)).as(service + ": a mounted Secret holds " + truststore).contains(truststore);
            }
        }
        assertThat(problems).isEmpty();
    }

    /** docs/kubernetes.md creates every Secret the objects use, each key they read from it included. */
    @Test
    void docsCreateEverySecretTheObjectsUse() throws IOException {
        Map<String, Set<String>> secrets = new TreeMap<>();
        for (HasMetadata workload : workloads()) {
            for (Container container : template(workload).getSpec().getContainers()) {
                container.getEnv().stream().filter(v -> v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null)
                        .map(v -> v.getValueFrom().getSecretKeyRef())
                        .forEach(ref -> secrets.computeIfAbsent(ref.getName(), n -> new TreeSet<>()).add(ref.getKey()));
            }
            template(workload).getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).map(Volume::getSecret)
                    .forEach(s -> s.getItems().forEach(item -> secrets.computeIfAbsent(s.getSecretName(), n -> new TreeSet<>()).add(item.getKey())));
        }
        for (Manifest manifest : keda("TriggerAuthentication")) {
            manifest.tree().path("spec").path("secretTargetRef").forEach(ref ->
                    secrets.computeIfAbsent(ref.path("name").asText(), n -> new TreeSet<>()).add(ref.path("key").asText()));
        }
        assertThat(secrets).isNotEmpty();
        String docs = Files.readString(ROOT.resolve("docs").resolve("kubernetes.md"));
        secrets.forEach((name, keys) -> {
            Matcher command = Pattern.compile("kubectl create secret generic " + Pattern.quote(name) + "\\s((?:[^\\n]*\\\\\\n)*[^\\n]*)").matcher(docs);
            assertThat(command.find()).as("docs/kubernetes.md: kubectl create secret generic " + name).isTrue();
            for (String key : keys) {
                assertThat(command.group(1)).as("the command creating " + name).containsPattern("--from-(literal|file)=" + Pattern.quote(key) + "=");
            }
        });
    }

    // ---------------------------------------------------------------- KEDA

    @Test
    void kedaScalesEachStatelessServiceOnItsGroupsLagOnItsInput() {
        assertThat(keda("ScaledObject")).extracting(m -> m.tree().path("spec").path("scaleTargetRef").path("name").asText())
                .containsExactlyInAnyOrderElementsOf(STATELESS.keySet());
        for (Manifest scaled : keda("ScaledObject")) {
            JsonNode spec = scaled.tree().path("spec");
            String service = spec.path("scaleTargetRef").path("name").asText();
            assertThat(spec.path("scaleTargetRef").path("kind").asText("Deployment")).isEqualTo("Deployment");
            assertThat(spec.path("scaleTargetRef").path("apiVersion").asText("apps/v1")).isEqualTo("apps/v1");
            assertThat(workload(service)).as(scaled.where() + " targets a Deployment").isInstanceOf(Deployment.class);
            assertThat(spec.path("minReplicaCount").asInt()).as(scaled.where() + " minReplicaCount").isPositive()
                    .isLessThanOrEqualTo(spec.path("maxReplicaCount").asInt());

            Map<String, String> env = literalEnv(container(service));
            assertThat(spec.path("triggers").size()).as(scaled.where() + " triggers").isEqualTo(1);
            JsonNode trigger = spec.path("triggers").get(0);
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            JsonNode kafka = trigger.path("metadata");
            assertThat(kafka.path("consumerGroup").asText()).as(scaled.where() + " consumerGroup: the application id")
                    .isEqualTo(env.get(ServiceConfig.APPLICATION_ID));
            assertThat(kafka.path("topic").asText()).as(scaled.where() + " topic: the service's input")
                    .isEqualTo(Topics.ORDERS.name()).isIn(sourceTopics(STATELESS.get(service).get()));
            assertThat(kafka.path("bootstrapServers").asText()).isEqualTo(env.get(ServiceConfig.BOOTSTRAP_SERVERS));
            assertThat(Long.parseLong(kafka.path("lagThreshold").asText())).isPositive();
            String protocol = env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
            assertThat(kafka.path("tls").asText("disable")).as(scaled.where() + " tls with " + protocol)
                    .isEqualTo(protocol.endsWith("SSL") ? "enable" : "disable");
            assertThat(kafka.path("sasl").asText("none")).as(scaled.where() + " sasl with " + protocol)
                    .isEqualTo(protocol.startsWith("SASL") ? KEDA_SASL.get(env.get("KAFKA_SASL_MECHANISM")) : "none");

            String authentication = trigger.path("authenticationRef").path("name").asText();
            List<Manifest> auths = keda("TriggerAuthentication").stream()
                    .filter(m -> m.tree().path("metadata").path("name").asText().equals(authentication)).toList();
            assertThat(auths).as(scaled.where() + " authenticationRef " + authentication).hasSize(1);
            auths.get(0).tree().path("spec").path("secretTargetRef").forEach(ref ->
                    assertThat(ref.path("parameter").asText()).as(authentication + " parameter").isIn(KAFKA_AUTH_PARAMETERS));
        }
    }

    // ---------------------------------------------------------------- the checks can fail

    /** The same checks on manifests made wrong on purpose: each is caught. */
    @Test
    void theChecksRejectWhatIsWrong() throws IOException {
        String statefulSet = Files.readString(DIR.resolve("services/customer-stats.yaml"));
        Manifest misspelt = parse("customer-stats.yaml, misspelt", statefulSet.replace("readinessProbe:", "readinesProbe:")).get(0);
        assertThat(unknownFields(misspelt.object(), misspelt.where()))
                .containsExactly(misspelt.where() + ": spec.template.spec.containers[0].readinesProbe");
        assertThatThrownBy(() -> parse("customer-stats.yaml, a number for a string", statefulSet.replace("value: \"8081\"", "value: 8081")))
                .isInstanceOf(IllegalArgumentException.class);

        String scaledObjects = Files.readString(DIR.resolve("keda/scaledobjects.yaml"));
        Manifest keda = parse("scaledobjects.yaml, misspelt", scaledObjects.replace("lagThreshold", "lagTreshold")
                .replace("stabilizationWindowSeconds", "stabilisationWindowSeconds").replace("pollingInterval: 15", "pollingInterval: \"15\"")).get(0);
        assertThat(kedaProblems(keda)).containsExactlyInAnyOrder(
                keda.where() + ": spec.triggers[0].metadata.lagTreshold is not a field KEDA defines",
                keda.where() + ": spec.advanced.horizontalPodAutoscalerConfig.behavior: scaleDown.stabilisationWindowSeconds",
                keda.where() + ": spec.pollingInterval is not of type int");

        assertThat(ServiceEnvironment.of("customer-stats").unread(List.of("POD_NAME", "KAFKA_GROUP_INSTANCE_ID", "KAFKA_GROUP_INSTANCE")))
                .containsExactly("sets POD_NAME, which customer-stats does not read", "sets KAFKA_GROUP_INSTANCE, which customer-stats does not read");
    }

    // ---------------------------------------------------------------- parsing and checking

    /** The YAML files under deploy/kubernetes but the kustomization, as paths relative to it. */
    private static List<String> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .map(f -> DIR.relativize(f).toString().replace('\\', '/')).filter(f -> !f.equals("kustomization.yaml")).sorted().toList();
        }
    }

    /** Each document of a file as its tree and, for the kinds of {@link #MODELS}, its typed object. */
    private static List<Manifest> parse(String file, String text) {
        List<Manifest> parsed = new ArrayList<>();
        for (Object document : new Yaml().loadAll(text)) {
            if (document == null) {
                continue;
            }
            JsonNode tree = MAPPER.valueToTree(document);
            String where = file + " #" + (parsed.size() + 1) + " " + tree.path("kind").asText() + " " + tree.path("metadata").path("name").asText();
            String apiVersion = tree.path("apiVersion").asText();
            if (apiVersion.equals(KEDA_API)) {
                parsed.add(new Manifest(where, tree, null));
                continue;
            }
            Class<? extends HasMetadata> model = MODELS.get(tree.path("kind").asText());
            assertThat(model).as(where + ": a kind checked here").isNotNull();
            assertThat(apiVersion).as(where + " apiVersion").isEqualTo(HasMetadata.getApiVersion(model));
            parsed.add(new Manifest(where, tree, MAPPER.convertValue(tree, model)));
        }
        return parsed;
    }

    /** Every entry of an {@code additionalProperties} map in {@code value} and the model objects it holds, as "where: path". */
    private static List<String> unknownFields(Object value, String where) {
        List<String> found = new ArrayList<>();
        unknownFields(value, "", found);
        return found.stream().map(path -> where + ": " + path.substring(1)).toList();
    }

    private static void unknownFields(Object value, String path, List<String> found) {
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", found);
            }
        } else if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> unknownFields(item, path + "." + key, found));
        } else if (value != null && value.getClass().getName().startsWith("io.fabric8.")) {
            BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
            AnnotatedMember anyGetter = bean.findAnyGetter();
            if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> additional) {
                additional.keySet().forEach(key -> found.add(path + "." + key));
            }
            for (BeanPropertyDefinition property : bean.findProperties()) {
                if (property.hasGetter()) {
                    unknownFields(property.getGetter().getValue(value), path + "." + property.getName(), found);
                }
            }
        }
    }

    /** What in a KEDA object KEDA does not define ({@link #KEDA_FIELDS}), as "where: path ...". */
    private static List<String> kedaProblems(Manifest manifest) {
        JsonNode fields = kedaFields.get(manifest.tree().path("kind").asText());
        if (fields == null) {
            return List.of(manifest.where() + ": not a kind of " + KEDA_API + " checked here");
        }
        List<String> problems = new ArrayList<>();
        checkFields(manifest.tree(), fields, "", problems);
        return problems.stream().map(problem -> manifest.where() + ": " + problem.substring(1)).toList();
    }

    private static void checkFields(JsonNode node, JsonNode fields, String path, List<String> problems) {
        if (fields.isTextual()) {
            String type = fields.asText();
            boolean fits = switch (type) {
                case "string" -> node.isTextual();
                case "int" -> node.isInt();
                case "bool" -> node.isBoolean();
                case "object" -> node.isObject();
                case "ObjectMeta" -> typed(node, ObjectMeta.class, path, problems);
                case "HorizontalPodAutoscalerBehavior" -> typed(node, HorizontalPodAutoscalerBehavior.class, path, problems);
                default -> {
                    checkFields(node, kedaFields.get(type), path, problems);
                    yield true;
                }
            };
            if (!fits) {
                problems.add(path + " is not of type " + type);
            }
        } else if (fields.isArray()) {
            if (!node.isArray()) {
                problems.add(path + " is not a list");
            }
            for (int i = 0; i < node.size(); i++) {
                checkFields(node.get(i), fields.get(0), path + "[" + i + "]", problems);
            }
        } else if (!node.isObject()) {
            problems.add(path + " is not a mapping");
        } else {
            node.fieldNames().forEachRemaining(name -> {
                if (fields.has(name)) {
                    checkFields(node.get(name), fields.get(name), path + "." + name, problems);
                } else {
                    problems.add(path + "." + name + " is not a field KEDA defines");
                }
            });
        }
    }

    /** A part of a KEDA object that is a Kubernetes type: parsed into it, with no unknown field. */
    private static boolean typed(JsonNode node, Class<?> model, String path, List<String> problems) {
        try {
            unknownFields(MAPPER.convertValue(node, model), path).forEach(problems::add);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Set<String> sourceTopics(Topology topology) {
        return topology.describe().subtopologies().stream().flatMap(s -> s.nodes().stream())
                .filter(node -> node instanceof TopologyDescription.Source)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream()).collect(Collectors.toSet());
    }

    // ---------------------------------------------------------------- the objects

    private static <T extends HasMetadata> List<T> objects(Class<T> kind) {
        return manifests.stream().map(Manifest::object).filter(kind::isInstance).map(kind::cast).toList();
    }

    private static List<Manifest> keda(String kind) {
        return manifests.stream().filter(m -> m.object() == null && m.tree().path("kind").asText().equals(kind)).toList();
    }

    private static List<HasMetadata> workloads() {
        return manifests.stream().map(Manifest::object).filter(o -> o instanceof StatefulSet || o instanceof Deployment).toList();
    }

    private static HasMetadata workload(String name) {
        List<HasMetadata> found = workloads().stream().filter(w -> w.getMetadata().getName().equals(name)).toList();
        assertThat(found).as("the workload " + name).hasSize(1);
        return found.get(0);
    }

    private static PodTemplateSpec template(HasMetadata workload) {
        return workload instanceof StatefulSet set ? set.getSpec().getTemplate() : ((Deployment) workload).getSpec().getTemplate();
    }

    /** The one container of a workload, named as the service. */
    private static Container container(String service) {
        List<Container> containers = template(workload(service)).getSpec().getContainers();
        assertThat(containers).as(service + " containers").extracting(Container::getName).containsExactly(service);
        return containers.get(0);
    }

    private static Service service(String name) {
        return objects(Service.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + name));
    }

    private static boolean selects(Map<String, String> selector, PodTemplateSpec pod) {
        return selector != null && !selector.isEmpty() && pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
    }

    private static String mountAt(Container container, String path) {
        return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).map(VolumeMount::getName).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + ": no volume at " + path));
    }

    private static int containerPort(Container container, IntOrString port) {
        if (port.getStrVal() == null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError(container.getName() + ": no port named " + port.getStrVal()));
    }

    private static void assertProbe(String what, Container container, Probe probe, String path, int port) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what + " path").isEqualTo(path);
        assertThat(containerPort(container, probe.getHttpGet().getPort())).as(what + " port: the management port").isEqualTo(port);
    }

    /** The files the Secret volumes of a service's pod put where its container mounts them. */
    private static Set<String> secretFiles(Container container) {
        List<Volume> volumes = template(workload(container.getName())).getSpec().getVolumes();
        Set<String> files = new TreeSet<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            volumes.stream().filter(v -> v.getName().equals(mount.getName()) && v.getSecret() != null)
                    .flatMap(v -> v.getSecret().getItems().stream()).forEach(item -> files.add(mount.getMountPath() + "/" + item.getPath()));
        }
        return files;
    }

    // ---------------------------------------------------------------- a container's environment

    /** Every variable the container gets: its ConfigMaps' keys (envFrom), then its own. */
    private static List<String> envNames(Container container) {
        List<String> names = new ArrayList<>(configMapEnv(container).keySet());
        container.getEnv().forEach(var -> names.add(var.getName()));
        assertThat(container.getEnv()).extracting(EnvVar::getName).as(container.getName() + ": each variable once").doesNotHaveDuplicates();
        return names;
    }

    /** The variables with a value written in the objects (not from a Secret or the pod), as the container sees them. */
    private static Map<String, String> literalEnv(Container container) {
        Map<String, String> env = new LinkedHashMap<>(configMapEnv(container));
        container.getEnv().stream().filter(var -> var.getValue() != null).forEach(var -> env.put(var.getName(), var.getValue()));
        return env;
    }

    private static Map<String, String> configMapEnv(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            assertThat(from.getConfigMapRef()).as(container.getName() + " envFrom: ConfigMaps only (a Secret's keys are unknown here)").isNotNull();
            String name = from.getConfigMapRef().getName();
            env.putAll(objects(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(container.getName() + ": no ConfigMap " + name)).getData());
        }
        return env;
    }

    private static EnvVar envVar(Container container, String name) {
        return container.getEnv().stream().filter(var -> var.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " sets no " + name));
    }

    /**
     * A variable's value as Kubernetes expands it: each {@code $(NAME)} must name a variable set
     * before it (a ConfigMap's, or an earlier one of the list); the pod's name stands as {@code {pod name}}.
     */
    private static String expand(Container container, String name) {
        Map<String, String> before = new LinkedHashMap<>(configMapEnv(container));
        for (EnvVar var : container.getEnv()) {
            if (var.getName().equals(name)) {
                break;
            }
            boolean podName = var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null
                    && "metadata.name".equals(var.getValueFrom().getFieldRef().getFieldPath());
            before.put(var.getName(), podName ? "{pod name}" : var.getValue());
        }
        String value = envVar(container, name).getValue();
        if (value == null) {
            return null;
        }
        Matcher ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (ref.find()) {
            assertThat(before.get(ref.group(1))).as(container.getName() + " " + name + ": $(" + ref.group(1) + ") set before it").isNotNull();
            ref.appendReplacement(expanded, Matcher.quoteReplacement(before.get(ref.group(1))));
        }
        return ref.appendTail(expanded).toString();
    }

    private static String dockerfile(String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertThat(m.find()).as("the Dockerfile has " + regex).isTrue();
        return m.group(1);
    }
}
