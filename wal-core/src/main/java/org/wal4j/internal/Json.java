package org.wal4j.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared Jackson objects; the checks on payload text are {@link PayloadJson}'s. */
public final class Json {
    /** A plain mapper for wal4j's own use; payload mappers are the application's choice. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    /**
     * Serializes {@code value} with {@code mapper}.
     *
     * @throws IllegalArgumentException naming the value's type and Jackson's reason
     */
    public static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of type " + (value == null ? "null" : value.getClass().getName())
                    + " cannot be serialized to JSON: " + e.getOriginalMessage(), e);
        }
    }
}
