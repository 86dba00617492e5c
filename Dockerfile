# One image recipe for every runnable module: docker build --build-arg SERVICE=<module> .
# SERVICE is one of order-filter, order-enricher, customer-stats, product-revenue,
# customer-join, data-generator. docker-compose.yml builds each service this way.
ARG SERVICE=order-filter

# ---- build: Maven, only the module and what it depends on (-pl $SERVICE -am) ----
# Needs BuildKit (the default builder since Docker 23.0; docker compose v2 builds with it) for the
# cache mount below.
FROM maven:3.9-eclipse-temurin-17 AS build
ARG SERVICE
WORKDIR /build

# The whole tree (.dockerignore keeps target/, .git, docs and local state out): the reactor reads
# the modules from the parent pom, so no module is named here. Maven's downloads stay in a BuildKit
# cache mount, kept by the builder from one build to the next and shared by the six images (one
# build at a time: sharing=locked), so a source change does not download the dependencies again;
# the mount is not part of any layer.
COPY . .
# <module>-linux.jar: the runnable jar with only Linux x86-64 and arm64 (glibc) native libraries
# (the parent pom's maven-shade-plugin configuration; docs/docker.md has the sizes).
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    mvn -B -ntp -pl "$SERVICE" -am package -DskipTests \
    && cp "$SERVICE/target/$SERVICE-linux.jar" /build/service.jar

# ---- runtime: a JRE, the service's jar for Linux, a non-root user ----
FROM eclipse-temurin:17-jre
ARG SERVICE
LABEL org.opencontainers.image.title="order-pipeline ${SERVICE}" \
      org.opencontainers.image.description="order-pipeline ${SERVICE}, configured by environment variables (see CONTRACT.md)"

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /var/lib/order-pipeline/state \
    && chown -R app:app /var/lib/order-pipeline

COPY --from=build /build/service.jar /app/service.jar

# The JVM sizes its heap from the container's memory limit (75% of it) and takes all of it at
# start (from 1/64 of the limit it collects its young generation far more often: 0.75-0.85x the
# throughput for three services, benchmarks/RESULTS.md), collects it with the Serial GC (a small
# heap on a core or two: G1's concurrent threads cost the stream thread CPU), and exits on
# OutOfMemoryError so the container's restart policy starts a fresh one.
# JAVA_TOOL_OPTIONS is read by the JVM itself, so it works with the exec-form ENTRYPOINT
# below (no shell); override it to add flags.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError" \
    STATE_DIR=/var/lib/order-pipeline/state
# Kafka Streams' local state (RocksDB stores, checkpoints): owned by app, kept across restarts
# when a named volume is mounted here.
VOLUME ["/var/lib/order-pipeline/state"]

USER app
WORKDIR /app

# Ready = GET /health/ready answers 200 on the management port (MANAGEMENT_PORT, else HTTP_PORT:
# every service serves health there). When neither is set (data-generator) the check passes, and
# the container lives exactly as long as the JVM, which exits when its streams app fails.
# The JRE image has no curl: bash opens the TCP connection itself (/dev/tcp) and reads the
# status line of the answer.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "port=\"${MANAGEMENT_PORT:-${HTTP_PORT:-}}\"; [ -z \"$port\" ] && exit 0; exec 3<>\"/dev/tcp/127.0.0.1/$port\" && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [[ \"$status\" == 200* ]]"]

# Exec form: java is PID 1 and gets SIGTERM from docker stop, so the app closes cleanly (leaves
# the group, finishes or aborts its transaction). Arguments (the data generator's) follow.
ENTRYPOINT ["java", "-jar", "/app/service.jar"]
