package io.orderpipeline.revenue;

import io.orderpipeline.common.BinaryDecimal;
import io.orderpipeline.common.ProductRevenue;
import io.orderpipeline.common.RevenueTotals;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The records inside product-revenue's topology. Two cross its repartition topic, in compact
 * binary ({@link #SHUFFLED}; no JSON parse after the shuffle): the partial sums of one
 * {@code orders} partition (key: the product) and that partition's event time (sent to every
 * partition). The other two leave the service: {@link Late} to {@code product-revenue-late},
 * {@link Final} to {@code product-revenue-hourly}.
 */
sealed interface RevenueEvent {

    /** The orders of one product and window read from one {@code orders} partition since its last flush. */
    record Partial(long windowStart, RevenueTotals totals) implements RevenueEvent {
    }

    /**
     * How far the event time of one partition of {@code orders} has got: the highest order
     * timestamp read from it ({@link #NONE} before its first order), and whether it is idle
     * (caught up and quiet for the idleness setting), which takes it out of the low watermark.
     */
    record Watermark(int partition, long time, boolean idle) implements RevenueEvent {
        static final long NONE = Long.MIN_VALUE;
    }

    /** What is not counted in a window, with headers that say why: the order's bytes as read, or a partial sum as JSON. */
    record Late(byte[] value) implements RevenueEvent {
    }

    /** A window's final revenue, emitted once. */
    record Final(ProductRevenue revenue) implements RevenueEvent {
    }

    byte PARTIAL = 1;
    byte WATERMARK = 2;

    /** The serde of the repartition topic: {@link Partial} and {@link Watermark} only. */
    Serde<RevenueEvent> SHUFFLED = Serdes.serdeFrom(RevenueEvent::serialize, RevenueEvent::deserialize);
    /** {@link Watermark} alone, for the stores that keep them. */
    Serde<Watermark> WATERMARKS = Serdes.serdeFrom(RevenueEvent::serialize, (topic, bytes) -> (Watermark) deserialize(topic, bytes));
    /** {@link RevenueTotals} in the same binary form, for the partial sums kept between flushes. */
    Serde<RevenueTotals> TOTALS = Serdes.serdeFrom(
            (Serializer<RevenueTotals>) (topic, totals) -> totals == null ? null : totals(ByteBuffer.allocate(totalsSize(totals)), totals).array(),
            (Deserializer<RevenueTotals>) (topic, bytes) -> bytes == null ? null : totals(ByteBuffer.wrap(bytes)));

    private static byte[] serialize(String topic, RevenueEvent value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Partial p) {
            return totals(ByteBuffer.allocate(1 + Long.BYTES + totalsSize(p.totals())).put(PARTIAL).putLong(p.windowStart()), p.totals()).array();
        }
        if (!(value instanceof Watermark w)) {
            throw new SerializationException(value.getClass().getSimpleName() + " is not sent through " + topic);
        }
        return ByteBuffer.allocate(1 + Integer.BYTES + Long.BYTES + 1)
                .put(WATERMARK).putInt(w.partition()).putLong(w.time()).put((byte) (w.idle() ? 1 : 0)).array();
    }

    private static RevenueEvent deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            return switch (in.get()) {
                case PARTIAL -> new Partial(in.getLong(), totals(in));
                case WATERMARK -> new Watermark(in.getInt(), in.getLong(), in.get() == 1);
                default -> throw new SerializationException("unknown record type " + bytes[0] + " on " + topic);
            };
        } catch (RuntimeException e) {
            throw e instanceof SerializationException s ? s : new SerializationException("bad record on " + topic, e);
        }
    }

    private static int totalsSize(RevenueTotals totals) {
        return Long.BYTES + BinaryDecimal.size(totals.revenue());
    }

    /** orders, then the revenue ({@link BinaryDecimal}, the rest of the buffer). */
    private static ByteBuffer totals(ByteBuffer out, RevenueTotals totals) {
        return BinaryDecimal.write(out.putLong(totals.orders()), totals.revenue());
    }

    private static RevenueTotals totals(ByteBuffer in) {
        long orders = in.getLong();
        return new RevenueTotals(BinaryDecimal.read(in), orders);
    }
}
