package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The jar each image ships (the one the Dockerfile copies, {@code <module>/target/<module>-linux.jar},
 * for every image docker-compose.yml builds) is the runnable jar that ./run-local uses less the
 * native libraries of other platforms than Linux x86-64 and arm64 with glibc: the same classes and
 * resources, for each native library exactly those two builds, and they load: a JVM on this
 * machine (x86-64, glibc) with only that jar on its class path opens a RocksDB database, writes and
 * reads a key, and compresses with zstd, lz4 and snappy natively ({@link NativeLibrariesProbe}).
 * The filter is the parent pom's maven-shade-plugin execution {@code linux}.
 */
class ImageJarIT {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final Pattern NATIVE = Pattern.compile(".*\\.(so|dll|dylib|jnilib|a)");

    /** Each native library of the services: the class that tells it is in a jar, its x86-64 and arm64 glibc builds. */
    private record Library(String name, String marker, Pattern x86, Pattern arm64) {
    }

    private static final List<Library> LIBRARIES = List.of(
            new Library("rocksdb", "org/rocksdb/RocksDB.class",
                    Pattern.compile("librocksdbjni-linux64\\.so"), Pattern.compile("librocksdbjni-linux-aarch64\\.so")),
            new Library("zstd", "com/github/luben/zstd/Zstd.class",
                    Pattern.compile("linux/amd64/libzstd-jni-[^/]+\\.so"), Pattern.compile("linux/aarch64/libzstd-jni-[^/]+\\.so")),
            new Library("lz4", "net/jpountz/lz4/LZ4Factory.class",
                    Pattern.compile("net/jpountz/util/linux/amd64/liblz4-java\\.so"), Pattern.compile("net/jpountz/util/linux/aarch64/liblz4-java\\.so")),
            new Library("snappy", "org/xerial/snappy/Snappy.class",
                    Pattern.compile("org/xerial/snappy/native/Linux/x86_64/libsnappyjava\\.so"),
                    Pattern.compile("org/xerial/snappy/native/Linux/aarch64/libsnappyjava\\.so")));

    /** The modules docker-compose.yml builds an image of ({@code build.args.SERVICE}), the demo profile's too. */
    static Set<String> images() throws IOException {
        Map<String, Object> compose;
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(in);
        }
        Set<String> modules = new TreeSet<>();
        ((Map<?, ?>) compose.get("services")).values().forEach(service -> {
            if (((Map<?, ?>) service).get("build") instanceof Map<?, ?> build && build.get("args") instanceof Map<?, ?> args) {
                modules.add(String.valueOf(args.get("SERVICE")));
            }
        });
        assertThat(modules).as("the images docker-compose.yml builds").contains("order-filter", "customer-stats", "data-generator");
        return modules;
    }

    /** The jar the Dockerfile's build stage copies into the image, for one module. */
    private static Path imageJar(String module) throws IOException {
        Matcher copy = Pattern.compile("cp \"\\$SERVICE/target/([^\"]+)\" /build/service\\.jar").matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertThat(copy.find()).as("the Dockerfile's build stage copies $SERVICE/target/<jar> to /build/service.jar").isTrue();
        Path jar = ROOT.resolve(module).resolve("target").resolve(copy.group(1).replace("$SERVICE", module));
        assertThat(jar).as("the image's jar of " + module + " (mvn package)").isRegularFile();
        return jar;
    }

    private static Path runLocalJar(String module) {
        Path jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar");
        assertThat(jar).as("the runnable jar of " + module + " (mvn package)").isRegularFile();
        return jar;
    }

    @ParameterizedTest
    @MethodSource("images")
    void theImageJarIsTheRunnableJarWithOnlyLinuxX86AndArm64Natives(String module) throws IOException {
        Set<String> image = entries(imageJar(module));
        Set<String> full = entries(runLocalJar(module));

        assertThat(withoutNatives(image)).as(module + ": the image's jar has the classes and resources of the runnable jar")
                .isEqualTo(withoutNatives(full));
        Set<String> natives = natives(image);
        for (Library library : LIBRARIES) {
            Set<String> builds = natives.stream().filter(n -> library.x86.matcher(n).matches() || library.arm64.matcher(n).matches())
                    .collect(Collectors.toCollection(TreeSet::new));
            if (image.contains(library.marker)) {
                assertThat(builds).as(module + ": " + library.name + " for Linux x86-64 and arm64").hasSize(2)
                        .anyMatch(n -> library.x86.matcher(n).matches()).anyMatch(n -> library.arm64.matcher(n).matches());
            }
            natives.removeAll(builds);
        }
        assertThat(natives).as(module + ": native libraries in the image's jar for other platforms, or of unknown libraries").isEmpty();
        // ./run-local's jar keeps every platform, macOS included
        assertThat(natives(full)).as(module + ": the runnable jar's macOS natives")
                .anyMatch(n -> n.contains("osx") || n.contains("darwin") || n.contains("/Mac/"));
    }

    @ParameterizedTest
    @MethodSource("images")
    void theImageJarLoadsItsNativeLibrariesHere(String module, @TempDir Path tmp) throws Exception {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        assumeTrue(os.equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64")), "an image's platform: Linux x86-64 or arm64");
        Path jar = imageJar(module);
        Set<String> entries = entries(jar);
        List<String> libraries = LIBRARIES.stream().filter(l -> entries.contains(l.marker)).map(Library::name).toList();
        assertThat(libraries).as(module + ": Kafka's compression codecs at least").contains("zstd", "lz4", "snappy");

        // the class path: the image's jar and the probe class alone; no native library from elsewhere
        String probeFile = NativeLibrariesProbe.class.getName().replace('.', '/') + ".class";
        Path probe = tmp.resolve("probe");
        Files.createDirectories(probe.resolve(probeFile).getParent());
        try (var in = NativeLibrariesProbe.class.getClassLoader().getResourceAsStream(probeFile)) {
            Files.copy(in, probe.resolve(probeFile));
        }
        Path empty = Files.createDirectories(tmp.resolve("no-libraries"));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Djava.library.path=" + empty, "-Djava.io.tmpdir=" + javaTmp,
                "-cp", jar + java.io.File.pathSeparator + probe, NativeLibrariesProbe.class.getName(), tmp.resolve("db").toString()));
        command.addAll(libraries);
        Path log = tmp.resolve("probe.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(module + ": the probe ends within 120 s").isTrue();
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(module + ": the probe's exit code; its output:\n" + output).isZero();
        for (String library : libraries) {
            assertThat(output).contains(library + " loaded");
        }
    }

    private static Set<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return Collections.list(file.entries()).stream().filter(e -> !e.isDirectory()).map(JarEntry::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> natives(Set<String> entries) {
        return entries.stream().filter(e -> NATIVE.matcher(e).matches()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> withoutNatives(Set<String> entries) {
        return entries.stream().filter(e -> !NATIVE.matcher(e).matches()).collect(Collectors.toCollection(TreeSet::new));
    }
}
