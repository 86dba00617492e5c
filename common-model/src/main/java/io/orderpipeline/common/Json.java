package io.orderpipeline.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one shared, configured {@link ObjectMapper}: snake_case names, decimals as {@code BigDecimal}
 * (never {@code double}), instants as ISO-8601 strings, absent (null) fields left out, unknown fields
 * ignored, and strict input:
 * <ul>
 * <li>types: a string is not a number, a number is not a string, a fraction (or an exponent) is not an integer;</li>
 * <li>standard JSON only, in UTF-8 only: no byte order mark, no UTF-16/32 (Jackson's charset detection is off),
 *     no comments, NaN, single quotes or trailing commas (Jackson's defaults), nothing after the value;</li>
 * <li>each name once in an object: read with Jackson's {@code STRICT_DUPLICATE_DETECTION}; written by the records'
 *     own rule ({@link #unknownFields}: an unknown field named like a record's own field is dropped), which every output's
 *     test reads back with a strict reader (a second check on every write cost 3 % of order-enricher's CPU);</li>
 * <li>at most {@value #MAX_DEPTH} levels of nesting, read and written, and numbers of at most
 *     {@value #MAX_NUMBER_DIGITS} digits (Jackson's stream constraints).</li>
 * </ul>
 * What makes a record valid beyond its JSON (amount bounds, text lengths): {@link Validation}.
 */
public final class Json {

    /**
     * Levels of nesting of a JSON value, the record's own object being level 1. An order is a flat
     * object; this leaves room for any real structure in its unknown fields (line items, options)
     * and keeps reading and writing it cheap.
     */
    public static final int MAX_DEPTH = 16;
    /** Digits of a JSON number, read (Jackson's default) or, in unknown fields, written back in full. */
    public static final int MAX_NUMBER_DIGITS = 1000;

    public static final ObjectMapper MAPPER = create();

    private Json() {
    }

    private static ObjectMapper create() {
        JsonFactory factory = new JsonFactoryBuilder()
                .disable(JsonFactory.Feature.CHARSET_DETECTION)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_DIGITS).build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build();
        JsonMapper mapper = JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(new JavaTimeModule())
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** The names {@code type} writes for its own properties, as the mapper writes them (its any-getter map aside). */
    static Set<String> propertyNames(Class<?> type) {
        BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
        AnnotatedMember anyGetter = bean.findAnyGetter();
        return bean.findProperties().stream()
                .filter(property -> anyGetter == null || !anyGetter.equals(property.getAccessor()))
                .map(BeanPropertyDefinition::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The unknown fields of a record that also writes the properties {@code own}: an unknown field
     * with the name of one of them is dropped, so the record's own field wins and every name is
     * written once. Unmodifiable; field order kept.
     */
    static Map<String, Object> unknownFields(Map<String, Object> fields, Set<String> own) {
        if (fields == null || fields.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> unknown = new LinkedHashMap<>(fields.size() * 2);
        for (Map.Entry<String, Object> field : fields.entrySet()) { // one pass: this runs for every order
            if (!own.contains(field.getKey())) {
                unknown.put(field.getKey(), field.getValue());
            }
        }
        return Collections.unmodifiableMap(unknown);
    }
}
