package io.orderpipeline.broker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@link KafkaBroker#startSecured} secures its broker: clients connect over {@code SASL_SSL}
 * with SCRAM-SHA-512, the broker's certificate from {@code tls}; the standard authorizer
 * ({@code org.apache.kafka.metadata.authorizer.StandardAuthorizer}) with no
 * {@code allow.everyone.if.no.acl.found}, so a user may do only what an ACL allows; {@code superUser}
 * (its SCRAM credentials written when the data directory is formatted) may do everything, and is
 * the one to create topics, users and ACLs with.
 */
public record SaslSsl(TlsFiles tls, String superUser, String superUserPassword) {

    public static final String MECHANISM = "SCRAM-SHA-512";

    /** The client settings for {@code user}: SASL_SSL, SCRAM-SHA-512, the broker's truststore. */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", jaasConfig(user, password));
        props.put("ssl.truststore.location", tls.truststore().toString());
        props.put("ssl.truststore.password", tls.password());
        props.put("ssl.truststore.type", "PKCS12");
        return props;
    }

    /** The super user's client settings. */
    public Map<String, String> superUserProperties() {
        return clientProperties(superUser, superUserPassword);
    }

    /** {@code sasl.jaas.config} for a SCRAM user. */
    public static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return "SaslSsl[" + tls + ", super user " + superUser + "]";
    }
}
