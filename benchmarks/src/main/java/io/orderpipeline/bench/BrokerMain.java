package io.orderpipeline.bench;

import io.orderpipeline.broker.KafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The broker in its own JVM: {@code BrokerMain <data dir> <port>} starts {@link KafkaBroker}, prints {@value #READY}, stops on SIGTERM. */
public final class BrokerMain {

    static final String READY = "BROKER READY";

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaBroker broker = KafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println(READY + " " + broker.bootstrapServers());
        stopped.await();
    }
}
