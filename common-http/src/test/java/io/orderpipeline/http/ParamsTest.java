package io.orderpipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.BadRequestResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void instantsAreEpochMillisOrIso8601() {
        assertThat(Params.parseInstant("at", "1764000000000")).isEqualTo(Instant.ofEpochMilli(1764000000000L));
        assertThat(Params.parseInstant("at", "0")).isEqualTo(Instant.EPOCH);
        assertThat(Params.parseInstant("at", "2026-11-24T10:15:00Z")).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        assertThat(Params.parseInstant("at", "2026-11-24T10:15:00.123Z")).isEqualTo(Instant.parse("2026-11-24T10:15:00.123Z"));
        assertThat(Params.parseInstant("at", "2026-11-24T11:15:00+01:00")).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    }

    @Test
    void aBadInstantIsA400ThatNamesTheParameter() {
        for (String bad : new String[] {"yesterday", "2026-11-24", "2026-11-24T10:15:00", "1.5", "1e3", "2026-02-30T00:00:00Z",
                "2026-11-24T10:15:00+25:00", "0x10"}) {
            assertThatThrownBy(() -> Params.parseInstant("from", bad))
                    .as(bad)
                    .isInstanceOf(BadRequestResponse.class)
                    .hasMessageContaining("from must be epoch milliseconds or an ISO-8601 instant")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void textParametersAreNotBlankNotHugeAndHaveNoControlCharacters() {
        assertThat(Params.checkText("product", "usb-c hub / 2m")).isEqualTo("usb-c hub / 2m");
        assertThat(Params.checkText("product", "café crème")).isEqualTo("café crème");
        assertThatThrownBy(() -> Params.checkText("product", " ")).isInstanceOf(BadRequestResponse.class)
                .hasMessage("product must not be blank");
        assertThatThrownBy(() -> Params.checkText("product", "a\nb")).isInstanceOf(BadRequestResponse.class)
                .hasMessage("product must not contain control characters");
        assertThatThrownBy(() -> Params.checkText("product", "x".repeat(Params.MAX_LENGTH + 1)))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("at most 200 characters");
    }

    @Test
    void instantsOutsideEpochMillisecondsAreOutOfRange() {
        assertThat(Params.parseInstant("at", "9223372036854775807")).isEqualTo(Instant.ofEpochMilli(Long.MAX_VALUE));
        assertThat(Params.parseInstant("at", "-9223372036854775808")).isEqualTo(Instant.ofEpochMilli(Long.MIN_VALUE));
        assertThat(Params.parseInstant("at", "+292278994-08-17T07:12:55.807Z")).isEqualTo(Instant.ofEpochMilli(Long.MAX_VALUE));
        assertThat(Params.parseInstant("at", "-292275055-05-16T16:47:04.192Z")).isEqualTo(Instant.ofEpochMilli(Long.MIN_VALUE));
        for (String bad : new String[] {"9223372036854775808", "-9223372036854775809", "12345678901234567890", "9".repeat(400),
                "+292278994-08-17T07:12:55.808Z", "-292275055-05-16T16:47:04.191Z",
                "+1000000000-12-31T23:59:59.999999999Z", "+1000000001-01-01T00:00:00Z", "-1000000001-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> Params.parseInstant("from", bad))
                    .as(bad)
                    .isInstanceOf(BadRequestResponse.class)
                    .hasMessage("from is out of range: it must be between -292275055-05-16T16:47:04.192Z and +292278994-08-17T07:12:55.807Z"
                            + " (epoch milliseconds -9223372036854775808 to 9223372036854775807), got '" + bad + "'");
        }
    }

    @Test
    void integersAreDecimalLongs() {
        assertThat(Params.parseInteger("customer_id", "42")).isEqualTo(42);
        assertThat(Params.parseInteger("customer_id", "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        for (String bad : new String[] {"4x2", "", "4.2", "1e3", "\u0664\u0662", " 42"}) {
            assertThatThrownBy(() -> Params.parseInteger("customer_id", bad)).as(bad)
                    .isInstanceOf(BadRequestResponse.class).hasMessage("customer_id must be an integer, got '" + bad + "'");
        }
        assertThatThrownBy(() -> Params.parseInteger("customer_id", "9223372036854775808"))
                .isInstanceOf(BadRequestResponse.class)
                .hasMessage("customer_id must be an integer between -9223372036854775808 and 9223372036854775807, got '9223372036854775808'");
    }

    @Test
    void thePathParameterLimitIsTheLongestProductName() {
        assertThat(Params.checkText("product", "k".repeat(io.orderpipeline.common.Validation.MAX_TEXT_LENGTH))).hasSize(200);
    }
}
