package io.orderpipeline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker's TLS material, made with the JDK's own {@code keytool} (no extra library): a fresh
 * RSA key pair and self-signed certificate for {@code CN=order-pipeline-test-broker} with the
 * subject alternative names {@code IP:127.0.0.1} and {@code DNS:localhost} (so clients verify the
 * host name as usual), in a PKCS12 keystore, and a PKCS12 truststore holding that certificate.
 * One random password protects both. For tests and local runs: a real cluster's certificates come
 * from its CA.
 *
 * @param brokerPrincipal the principal Kafka derives from the certificate when the broker presents it
 *                        as a client (mutual TLS on the controller listener): {@code User:CN=...}
 */
public record TlsFiles(Path keystore, Path truststore, String password, String brokerPrincipal) {

    private static final String DNAME = "CN=order-pipeline-test-broker";

    /** Generates the keystore and truststore in {@code dir} (created if needed). */
    public static TlsFiles generate(Path dir) {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keystore = dir.resolve("broker.keystore.p12");
        Path certificate = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        try {
            Files.createDirectories(dir);
            for (Path p : List.of(keystore, certificate, truststore)) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                "-dname", DNAME, "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", password,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", password);
        return new TlsFiles(keystore, truststore, password, "User:" + DNAME);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TlsFiles[" + keystore + ", " + truststore + ", password ****]";
    }
}
