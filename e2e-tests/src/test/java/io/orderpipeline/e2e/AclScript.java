package io.orderpipeline.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.AclCommand;

/**
 * {@code deploy/acls.sh}, the ACLs a user applies to their cluster, applied here exactly: the
 * script runs with {@code --dry-run} (so its own argument handling, defaults and variables are
 * what is tested) and prints each {@code kafka-acls} command it would run; each is then run
 * through kafka-acls' own code ({@code org.apache.kafka.tools.AclCommand}, what
 * {@code kafka-acls.sh} runs) in this JVM.
 */
final class AclScript {

    private AclScript() {
    }

    /**
     * The commands the script would run, each as kafka-acls' arguments (the command name left out).
     *
     * @param env the script's variables: {@code <SERVICE>_USER}, {@code <SERVICE>_APPLICATION_ID}
     */
    static List<List<String>> commands(String bootstrap, Path commandConfig, Map<String, String> env, String... services) {
        List<String> command = new ArrayList<>(List.of("bash", Pipeline.projectRoot().resolve("deploy/acls.sh").toString(),
                "--bootstrap-server", bootstrap, "--command-config", commandConfig.toString(), "--dry-run"));
        command.addAll(List.of(services));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("deploy/acls.sh " + command.subList(2, command.size()) + " failed:\n" + out);
            }
            return out.lines().filter(l -> !l.isBlank())
                    .map(l -> List.copyOf(Arrays.asList(l.split("\t")).subList(1, l.split("\t").length))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs one kafka-acls command; fails with its output if kafka-acls would have exited non-zero. Returns its output. */
    static synchronized String apply(List<String> args) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-acls " + args + " exited with " + code + (message == null ? "" : ": " + message)
                    + "\n" + output.toString(StandardCharsets.UTF_8));
        });
        try (PrintStream capture = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            AclCommand.main(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            Exit.resetExitProcedure();
        }
        return output.toString(StandardCharsets.UTF_8);
    }
}
