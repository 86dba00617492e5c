package io.orderpipeline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Whether a consumer group (a streams app or a ceiling loop) has processed everything up to given offsets. */
final class Drain {

    private static final Duration POLL = Duration.ofMillis(50);

    private Drain() {
    }

    /** The partitions of a streams app's repartition topics ({@code <appId>-...-repartition}). */
    static List<TopicPartition> repartitionPartitions(Cluster cluster, String applicationId) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : cluster.topicsStartingWith(applicationId + "-")) {
            if (topic.endsWith("-repartition")) {
                partitions.addAll(cluster.partitions(topic));
            }
        }
        return partitions;
    }

    /**
     * Polls until the group's committed offsets reach {@code inputEnds} on the input and the end of
     * every repartition partition, and returns when ({@link System#nanoTime()}, taken after the
     * check: never early). Under exactly-once the last entry of a finished partition is a
     * transaction marker, which a committed offset may stop just before: there a repartition
     * partition counts as drained when no transaction is open on it (last stable offset = log end)
     * and the committed offset is at least the log end - 1.
     */
    static long await(Cluster cluster, List<Proc> procs, String group, Map<TopicPartition, Long> inputEnds,
            List<TopicPartition> repartition, boolean eos, long deadlineNanos) {
        return await(cluster, procs, group, inputEnds, repartition, eos, deadlineNanos, null, 1).doneNanos();
    }

    /**
     * When the drain was done, and when the committed offsets of {@code marked} (a topic of the
     * input) first covered {@code markFraction} of it, with how many of its records that was.
     */
    record Drained(long markNanos, long markRecords, long doneNanos) {
    }

    /** {@link #await} that also notes the first poll covering {@code markFraction} of {@code marked}. */
    static Drained await(Cluster cluster, List<Proc> procs, String group, Map<TopicPartition, Long> inputEnds,
            List<TopicPartition> repartition, boolean eos, long deadlineNanos, String marked, double markFraction) {
        long total = inputEnds.entrySet().stream().filter(e -> e.getKey().topic().equals(marked)).mapToLong(Map.Entry::getValue).sum();
        long markNanos = -1;
        long markRecords = 0;
        while (System.nanoTime() < deadlineNanos) {
            procs.forEach(Proc::requireAlive);
            Map<TopicPartition, Long> committed = cluster.committed(group);
            if (markNanos < 0 && marked != null) {
                long done = inputEnds.keySet().stream().filter(tp -> tp.topic().equals(marked))
                        .mapToLong(tp -> Math.min(committed.getOrDefault(tp, 0L), inputEnds.get(tp))).sum();
                if (done >= markFraction * total) {
                    markNanos = System.nanoTime();
                    markRecords = done;
                }
            }
            if (reached(committed, inputEnds, 0) && repartitionDrained(cluster, group, repartition, eos)) {
                return new Drained(markNanos, markRecords, System.nanoTime());
            }
            Throughput.sleep(POLL);
        }
        throw new IllegalStateException(group + " did not drain its input in time; committed "
                + cluster.committed(group) + ", input ends " + inputEnds);
    }

    private static boolean repartitionDrained(Cluster cluster, String group, List<TopicPartition> repartition, boolean eos) {
        if (repartition.isEmpty()) {
            return true;
        }
        Map<TopicPartition, Long> ends = cluster.endOffsets(repartition);
        if (eos && !ends.equals(cluster.stableOffsets(repartition))) {
            return false;
        }
        return reached(cluster.committed(group), ends, eos ? 1 : 0);
    }

    private static boolean reached(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends, long slack) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            Long offset = committed.get(end.getKey());
            if (end.getValue() > 0 && (offset == null || offset < end.getValue() - slack)) {
                return false;
            }
        }
        return true;
    }
}
