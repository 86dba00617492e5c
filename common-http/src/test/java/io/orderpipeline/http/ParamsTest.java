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
        for (String bad : new String[] {"yesterday", "2026-11-24", "2026-11-24T10:15:00", "1.5", "12345678901234567890", "1e3"}) {
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
}
