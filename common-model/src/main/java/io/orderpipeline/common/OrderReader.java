package io.orderpipeline.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The orders every service reads a million of, read with Jackson's streaming parser instead of
 * databind: an object of the contract's fields and unknown fields of plain values (text, numbers,
 * booleans, null), each name once. That was a quarter of product-revenue's stream thread in
 * databind (its property buffer, and a hash set per order for the duplicate-name check).
 *
 * <p>It decides nothing on its own: anything else (an error of any kind, a nested unknown field, a
 * name twice, a value that fails the order's checks) returns null, and the caller reads the bytes
 * with the databind reader, which rejects or accepts them with its own reason. So a value read here
 * is the value databind reads ({@code OrderReaderTest} holds them side by side), and every
 * rejection keeps its reason.
 */
final class OrderReader {

    /** The mapper's parser settings (UTF-8 only, stream constraints), without its duplicate check: done here on names. */
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory().rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final int ORDER_ID = 1;
    private static final int CUSTOMER_ID = 2;
    private static final int AMOUNT = 4;
    private static final int PRODUCT = 8;
    private static final int STATUS = 16;
    /** An unknown field's value that is an object or an array: left to databind. */
    private static final Object NESTED = new Object();

    private OrderReader() {
    }

    /** The order {@code json} (well-formed UTF-8: {@link JsonSerde} checks first) holds, or null when the databind reader must decide. */
    static Order read(byte[] json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return read(parser);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Order read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        long orderId = 0;
        long customerId = 0;
        BigDecimal amount = null;
        String product = null;
        String status = null;
        Map<String, Object> extra = null;
        int seen = 0;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken token = parser.nextToken();
            int field = switch (name) {
                case "order_id" -> ORDER_ID;
                case "customer_id" -> CUSTOMER_ID;
                case "amount" -> AMOUNT;
                case "product" -> PRODUCT;
                case "status" -> STATUS;
                default -> 0;
            };
            if ((seen & field) != 0) {
                return null;
            }
            seen |= field;
            switch (field) {
                case ORDER_ID, CUSTOMER_ID -> {
                    if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    if (field == ORDER_ID) {
                        orderId = parser.getLongValue();
                    } else {
                        customerId = parser.getLongValue();
                    }
                }
                case AMOUNT -> {
                    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                        amount = parser.getDecimalValue();
                    } else if (token != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                case PRODUCT, STATUS -> {
                    if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                        return null;
                    }
                    String text = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    if (field == PRODUCT) {
                        product = text;
                    } else {
                        status = text;
                    }
                }
                default -> {
                    if (extra == null) {
                        extra = new LinkedHashMap<>();
                    }
                    if (extra.containsKey(name)) {
                        return null;
                    }
                    // as databind reads an untyped value, with decimals as BigDecimal
                    Object value = switch (token) {
                        case VALUE_STRING -> parser.getText();
                        case VALUE_NUMBER_INT -> parser.getNumberValue();
                        case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
                        case VALUE_TRUE -> Boolean.TRUE;
                        case VALUE_FALSE -> Boolean.FALSE;
                        case VALUE_NULL -> null;
                        default -> NESTED;
                    };
                    if (value == NESTED) {
                        return null;
                    }
                    extra.put(name, value);
                }
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null || (seen & (ORDER_ID | CUSTOMER_ID)) != (ORDER_ID | CUSTOMER_ID)) {
            return null;
        }
        return new Order(orderId, customerId, amount, product, status, extra == null ? Map.of() : extra);
    }
}
