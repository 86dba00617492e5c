package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A valid customer from the compacted {@code customers} topic: {@code customer_id} an integer (a
 * {@code long}, like an order's), {@code name} a non-blank string, {@code segment} and
 * {@code country} strings when present; each text within the bounds of {@link Validation#text}.
 * Unknown fields are ignored.
 */
public record Customer(@JsonProperty(required = true) long customerId, String name, String segment, String country) {

    public Customer {
        Validation.requiredText("name", name);
        Validation.text("segment", segment);
        Validation.text("country", country);
    }
}
