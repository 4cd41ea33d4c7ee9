package org.wal4j.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.lang.reflect.Method;
import org.wal4j.WalEntry;

/**
 * Writes the arguments of a critical call as the entry's payload, and reads them back when the
 * entry is applied. The payload is a JSON array with one element per parameter, each written
 * and read with the parameter's declared type as resolved by {@link DeclaredTypes} (generics
 * included: a {@code List<Trade>} comes back as a list of {@code Trade}, a {@code BigDecimal}
 * with its scale):
 *
 * <pre>
 *   ["acct-42",{"tradeId":"t-1","amount":12.30}]      AccountDao#trade(String,Trade)
 * </pre>
 *
 * Before anything is written, {@link #encode} reads the payload back: a value that cannot make
 * the round trip (a getter that throws, a type Jackson cannot construct) is refused on the
 * caller's thread instead of becoming an entry that can never be applied.
 *
 * <p>Immutable and thread-safe (Jackson's readers and writers are).
 */
final class ArgumentCodec {
    private final String display;
    private final Method method;
    private final ObjectMapper mapper;
    private final ObjectWriter[] writers;
    private final ObjectReader[] readers;

    private ArgumentCodec(String display, Method method, ObjectMapper mapper, JavaType[] types) {
        this.display = display;
        this.method = method;
        this.mapper = mapper;
        this.writers = new ObjectWriter[types.length];
        this.readers = new ObjectReader[types.length];
        for (int i = 0; i < types.length; i++) {
            writers[i] = mapper.writerFor(types[i]);
            readers[i] = mapper.readerFor(types[i]);
        }
    }

    /**
     * The codec of {@code method}'s parameters.
     *
     * @throws IllegalArgumentException if a declared type cannot make the round trip; see {@link DeclaredTypes}
     */
    static ArgumentCodec of(ObjectMapper mapper, Class<?> daoInterface, Method method, String display) {
        JavaType[] types = new JavaType[method.getParameterCount()];
        for (int i = 0; i < types.length; i++) {
            types[i] = DeclaredTypes.parameter(mapper, daoInterface, method, i, display);
        }
        return new ArgumentCodec(display, method, mapper, types);
    }

    /**
     * The payload of a call with {@code args}, checked to read back.
     *
     * @throws IllegalArgumentException naming the argument, its type and Jackson's reason
     */
    String encode(Object[] args) {
        StringBuilder json = new StringBuilder(64).append('[');
        for (int i = 0; i < writers.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            try {
                json.append(writers[i].writeValueAsString(args[i]));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(display + ": " + MethodNames.argument(method, i) + ", a "
                        + (args[i] == null ? "null" : args[i].getClass().getName()) + ", cannot be written to JSON: " + e.getOriginalMessage()
                        + "; nothing was written", e);
            }
        }
        String payload = json.append(']').toString();
        decode(payload, "; nothing was written");
        return payload;
    }

    /**
     * The arguments in {@code entry}'s payload.
     *
     * @throws IllegalArgumentException if the payload does not hold this method's arguments
     */
    Object[] decode(WalEntry entry) {
        return decode(entry.payload(), " (entry seq=" + entry.seq() + " id=" + entry.id() + ")");
    }

    private Object[] decode(String payload, String context) {
        Object[] args = new Object[readers.length];
        try (JsonParser parser = mapper.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException(display + ": the payload is not a JSON array of arguments" + context);
            }
            for (int i = 0; i < readers.length; i++) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY || token == null) {
                    throw new IllegalArgumentException(display + ": the payload has " + i + " argument(s) but the method "
                            + "takes " + readers.length + context);
                }
                try {
                    args[i] = readers[i].readValue(parser);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(display + ": " + MethodNames.argument(method, i)
                            + " cannot be read back from JSON: " + e.getOriginalMessage() + context, e);
                }
            }
            if (parser.nextToken() != JsonToken.END_ARRAY) {
                throw new IllegalArgumentException(display + ": the payload has more arguments than the method takes ("
                        + readers.length + ")" + context);
            }
            return args;
        } catch (IOException e) {
            throw new IllegalArgumentException(display + ": the payload is not valid JSON: " + e.getMessage() + context, e);
        }
    }
}
