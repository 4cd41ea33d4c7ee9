package org.wal4j.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;

/** The shared Jackson objects and the payload checks that must hold before a payload is written. */
public final class Json {
    /** A plain mapper for wal4j's own use; payload mappers are the application's choice. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    /**
     * Checks that {@code json} is exactly one well-formed JSON value and returns it on one line:
     * unchanged when it has no line breaks (the common case, no copy), otherwise re-written
     * compactly, since a line break would end the log record.
     *
     * @throws IllegalArgumentException naming the problem and where it is
     */
    public static String requireSingleLineValue(String field, String json) {
        if (json == null) {
            throw new IllegalArgumentException(field + " must not be null (use \"null\" for a JSON null)");
        }
        boolean multiLine = json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0;
        StringWriter compact = multiLine ? new StringWriter(json.length()) : null;
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IllegalArgumentException(field + " must be a JSON value but was empty");
            }
            if (compact != null) {
                try (JsonGenerator generator = FACTORY.createGenerator(compact)) {
                    generator.copyCurrentStructure(parser);
                }
            } else {
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException(field + " must be a single JSON value but has more after offset "
                        + parser.currentTokenLocation().getCharOffset() + ": '" + Names.abbreviate(json) + "'");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(field + " is not valid JSON: " + e.getOriginalMessage()
                    + " at offset " + e.getLocation().getCharOffset() + ": '" + Names.abbreviate(json) + "'", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(field + " could not be read as JSON: " + e.getMessage(), e);
        }
        return compact == null ? json : compact.toString();
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
