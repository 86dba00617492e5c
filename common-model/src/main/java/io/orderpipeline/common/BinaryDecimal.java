package io.orderpipeline.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * An exact decimal in the services' internal binary records (repartition topics, stores): its
 * scale (4 bytes), then its unscaled value in two's complement, big-endian, to the end of the
 * record. Always the last field of a record; cheaper than JSON both ways, and exact.
 */
public final class BinaryDecimal {

    private BinaryDecimal() {
    }

    /** The bytes {@link #write} takes for {@code value}. */
    public static int size(BigDecimal value) {
        return Integer.BYTES + value.unscaledValue().bitLength() / 8 + 1;
    }

    public static ByteBuffer write(ByteBuffer out, BigDecimal value) {
        return out.putInt(value.scale()).put(value.unscaledValue().toByteArray());
    }

    /** Reads a decimal from the rest of {@code in}. */
    public static BigDecimal read(ByteBuffer in) {
        int scale = in.getInt();
        byte[] unscaled = new byte[in.remaining()];
        in.get(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}
