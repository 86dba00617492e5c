package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A valid customer from the compacted {@code customers} topic: {@code customer_id} an integer,
 * {@code name} a non-blank string, {@code segment} and {@code country} strings when present.
 */
public record Customer(@JsonProperty(required = true) long customerId, String name, String segment, String country) {

    public Customer {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is missing or blank");
        }
    }
}
