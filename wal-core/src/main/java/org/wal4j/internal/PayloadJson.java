package org.wal4j.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalEntry;
import org.wal4j.spi.Names;

/**
 * Turns payload text into what every storage may frame as one line: exactly one well-formed JSON
 * value (RFC 8259, none of Jackson's leniencies), within the limits of {@link WalEntry} (nesting
 * depth, number, string and field name lengths), holding only whole Unicode characters, without
 * a line break. Whatever produced the text — {@code payloadJson}, a user's mapper with
 * indentation, a {@code @JsonRawValue} field — passes through here before an entry exists, so a
 * storage never sees a payload that would split its line, fail its reader, or that a default
 * {@code ObjectMapper} could not read back.
 *
 * <p>One streaming pass over the text checks every token. Text without a line break is returned
 * as it is (the common case: no copy); text with one is re-written compactly in the same pass,
 * tokens byte for byte as given (numbers keep their digits, strings their content), since a
 * line break would end the log record.
 *
 * <p>The limits are wal4j's own, checked here, rather than Jackson's {@link StreamReadConstraints}:
 * Jackson's exceptions for those carry no location (an earlier version of this check failed with
 * a {@code NullPointerException} on them) and do not name which limit was hit in a form a message
 * can rely on. Jackson's own constraints are therefore set out of the way; the payload is already
 * in memory and bounded by the storage's entry size.
 *
 * <p>Stateless and thread-safe.
 */
public final class PayloadJson {
    /** Strict JSON: the defaults of {@link JsonFactory}, no comments, quotes, NaN or control characters. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private PayloadJson() {
    }

    /**
     * Checks {@code json} and returns it on one line.
     *
     * @param what how messages name the text, such as {@code payload}
     * @throws IllegalArgumentException naming the problem, its offset in {@code json}, and the limit if one was hit
     */
    public static String requireValid(String what, @Nullable String json) {
        if (json == null) {
            throw new IllegalArgumentException(what + " must not be null (use \"null\" for a JSON null)");
        }
        boolean multiLine = json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0;
        StringWriter compact = multiLine ? new StringWriter(json.length()) : null;
        JsonParser parser = null;
        try (JsonParser p = FACTORY.createParser(json);
             JsonGenerator out = multiLine ? FACTORY.createGenerator(compact) : null) {
            parser = p;
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException(what + " must be a JSON value but was empty");
            }
            copyValue(p, out, what, json);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException(what + " must be a single JSON value but has more after offset "
                        + p.currentTokenLocation().getCharOffset() + ": '" + Names.abbreviate(json) + "'");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage() + " at offset "
                    + offset(e.getLocation(), parser) + ": '" + Names.abbreviate(json) + "'", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " could not be read as JSON: " + e.getMessage(), e);
        }
        return compact == null ? json : compact.toString();
    }

    /** Checks the value starting at the current token and every token in it; writes each to {@code out} if given. */
    private static void copyValue(JsonParser p, @Nullable JsonGenerator out, String what, String json)
            throws IOException {
        int depth = 0;
        JsonToken t = p.currentToken();
        while (true) {
            switch (t) {
                case START_OBJECT:
                case START_ARRAY:
                    if (++depth > WalEntry.MAX_PAYLOAD_DEPTH) {
                        throw new IllegalArgumentException(what + " is nested deeper than the limit of "
                                + WalEntry.MAX_PAYLOAD_DEPTH + " levels at offset " + tokenOffset(p) + ": '"
                                + Names.abbreviate(json) + "'");
                    }
                    if (out != null) {
                        if (t == JsonToken.START_OBJECT) {
                            out.writeStartObject();
                        } else {
                            out.writeStartArray();
                        }
                    }
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    depth--;
                    if (out != null) {
                        if (t == JsonToken.END_OBJECT) {
                            out.writeEndObject();
                        } else {
                            out.writeEndArray();
                        }
                    }
                    break;
                case FIELD_NAME:
                    checkText(p, "field name", WalEntry.MAX_PAYLOAD_NAME_LENGTH, what, json);
                    if (out != null) {
                        out.writeFieldName(p.currentName());
                    }
                    break;
                case VALUE_STRING:
                    checkText(p, "string", WalEntry.MAX_PAYLOAD_STRING_LENGTH, what, json);
                    if (out != null) {
                        out.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    }
                    break;
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    requireLength(p, "number", WalEntry.MAX_PAYLOAD_NUMBER_LENGTH, what, json);
                    if (out != null) {
                        out.writeNumber(p.getText()); // the digits as given: no rounding through double
                    }
                    break;
                case VALUE_TRUE:
                case VALUE_FALSE:
                    if (out != null) {
                        out.writeBoolean(t == JsonToken.VALUE_TRUE);
                    }
                    break;
                case VALUE_NULL:
                    if (out != null) {
                        out.writeNull();
                    }
                    break;
                default: // a text parser yields no embedded objects; anything else is a new kind of token
                    throw new IllegalStateException("unexpected JSON token " + t + " at offset " + tokenOffset(p));
            }
            if (depth == 0) {
                return;
            }
            t = p.nextToken();
            if (t == null) { // the parser reports an unclosed value itself; this is a guard
                throw new IllegalArgumentException(what + " ends inside a value: '" + Names.abbreviate(json) + "'");
            }
        }
    }

    /** A string or field name: within {@code limit} characters and made of whole Unicode characters. */
    private static void checkText(JsonParser p, String kind, int limit, String what, String json) throws IOException {
        requireLength(p, kind, limit, what, json);
        char[] chars = p.getTextCharacters();
        int from = p.getTextOffset();
        int lone = loneSurrogate(chars, from, p.getTextLength());
        if (lone >= 0) {
            char c = chars[from + lone];
            throw new IllegalArgumentException(what + " holds a lone surrogate U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                    + " at offset " + rawOffset(json, (int) tokenOffset(p), lone)
                    + " (a JSON text must hold whole Unicode characters): '" + Names.abbreviate(json) + "'");
        }
    }

    private static void requireLength(JsonParser p, String kind, int limit, String what, String json)
            throws IOException {
        int length = p.getTextLength();
        if (length > limit) {
            throw new IllegalArgumentException(what + " has a " + kind + " of " + length + " characters at offset "
                    + tokenOffset(p) + ", over the limit of " + limit + ": '" + Names.abbreviate(json) + "'");
        }
    }

    /** Index in {@code c[from, from + length)} of the first surrogate that is not half of a pair, or -1. */
    static int loneSurrogate(char[] c, int from, int length) {
        int end = from + length;
        for (int i = from; i < end; i++) {
            char ch = c[i];
            if (Character.isSurrogate(ch)) {
                if (Character.isHighSurrogate(ch) && i + 1 < end && Character.isLowSurrogate(c[i + 1])) {
                    i++;
                } else {
                    return i - from;
                }
            }
        }
        return -1;
    }

    /**
     * The offset in {@code json} of the {@code index}-th character of the string whose opening
     * quote is at {@code quote}: walks the escapes ({@code \}{@code uXXXX} is one character,
     * {@code \n} and the like are one). Only for messages.
     */
    static int rawOffset(String json, int quote, int index) {
        int at = quote + 1;
        for (int decoded = 0; decoded < index && at < json.length(); decoded++) {
            if (json.charAt(at) == '\\') {
                at += json.charAt(at + 1) == 'u' ? 6 : 2;
            } else {
                at++;
            }
        }
        return at;
    }

    private static long tokenOffset(JsonParser p) {
        return p.currentTokenLocation().getCharOffset();
    }

    /** Where Jackson's exception happened: some carry no location, then the parser's position. */
    private static long offset(@Nullable JsonLocation location, @Nullable JsonParser parser) {
        if (location != null) {
            return location.getCharOffset();
        }
        return parser == null ? -1 : parser.currentLocation().getCharOffset();
    }
}
