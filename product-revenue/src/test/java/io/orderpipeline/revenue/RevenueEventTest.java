package io.orderpipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderpipeline.common.RevenueTotals;
import io.orderpipeline.revenue.RevenueEvent.Late;
import io.orderpipeline.revenue.RevenueEvent.Partial;
import io.orderpipeline.revenue.RevenueEvent.Watermark;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The records of the repartition topic, their binary form and where they go. */
class RevenueEventTest {

    private static RevenueEvent roundTrip(RevenueEvent event) {
        return RevenueEvent.SHUFFLED.deserializer().deserialize("t", RevenueEvent.SHUFFLED.serializer().serialize("t", event));
    }

    @Test
    void partialSumsKeepTheirExactDecimalWhateverItsScaleOrSize() {
        for (String revenue : new String[] {"0", "0.00", "149.990", "1.5E+2", "-0.01", "999999999999999.99999999",
                "123456789012345678901234567890.12345678"}) {
            Partial partial = new Partial(1_795_600_800_000L, new RevenueTotals(new BigDecimal(revenue), 7));
            Partial back = (Partial) roundTrip(partial);
            assertThat(back).as(revenue).isEqualTo(partial);
            assertThat(back.totals().revenue().scale()).as(revenue).isEqualTo(new BigDecimal(revenue).scale());
        }
    }

    @Test
    void watermarksKeepTheirPartitionTimeAndIdleness() {
        for (Watermark watermark : new Watermark[] {new Watermark(0, Watermark.NONE, false), new Watermark(2, 1_795_600_800_000L, true),
                new Watermark(63, Long.MAX_VALUE, false)}) {
            assertThat(roundTrip(watermark)).isEqualTo(watermark);
            assertThat(RevenueEvent.WATERMARKS.deserializer().deserialize("t",
                    RevenueEvent.WATERMARKS.serializer().serialize("t", watermark))).isEqualTo(watermark);
        }
    }

    @Test
    void onlyPartialsAndWatermarksCrossTheRepartitionTopic() {
        assertThatThrownBy(() -> RevenueEvent.SHUFFLED.serializer().serialize("t", new Late(new byte[] {1})))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> RevenueEvent.SHUFFLED.deserializer().deserialize("t", new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> RevenueEvent.SHUFFLED.deserializer().deserialize("t", new byte[] {RevenueEvent.WATERMARK, 0}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void anEventTimeGoesToEveryPartitionAndAPartialSumToItsProducts() {
        assertThat(ProductRevenueTopology.partitions("t", "", new Watermark(1, 5, false), 3)).isEqualTo(Optional.of(Set.of(0, 1, 2)));
        assertThat(ProductRevenueTopology.partitions("t", "mouse",
                new Partial(0, new RevenueTotals(BigDecimal.ONE, 1)), 3)).as("Kafka's default partitioning by key").isEmpty();
    }

    @Test
    void theWindowOfAnInstantAtTheEndsOfTheRangeDoesNotOverflow() {
        Instant min = Instant.ofEpochMilli(Long.MIN_VALUE);
        assertThat(ProductRevenueQueryService.windowStart(min)).isBeforeOrEqualTo(min).isAfter(min.minus(ProductRevenueTopology.WINDOW_SIZE));
        Instant max = Instant.ofEpochMilli(Long.MAX_VALUE);
        assertThat(ProductRevenueQueryService.windowStart(max)).isBeforeOrEqualTo(max).isAfter(max.minus(ProductRevenueTopology.WINDOW_SIZE));
        assertThat(ProductRevenueQueryService.windowStart(Instant.parse("2026-11-24T10:59:59.999Z"))).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    }
}
