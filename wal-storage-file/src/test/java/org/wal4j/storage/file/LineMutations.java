package org.wal4j.storage.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Ways to damage one line of a segment (its bytes with the final {@code \n}), for the fuzz test
 * of RELIABILITY row 10. The first group leaves the checksum as it was, so a reader must notice by
 * the checksum; the second recomputes it over damaged JSON, so only the format checks can notice;
 * the last makes whole new lines. Deterministic for a given {@link Random}.
 */
final class LineMutations {
    /** A mutation operator. */
    enum Kind {
        BIT_FLIP, TRUNCATE, INSERT_BYTES, DELETE_BYTES, NON_UTF8_BYTES, WRONG_CHECKSUM, ZERO_RUN, LINE_BREAK_INSIDE,
        DUPLICATE_SPAN,
        VALID_CRC_BIT_FLIP, VALID_CRC_INSERT_DELETE, VALID_CRC_NON_UTF8, MISSING_FIELD, FIELD_ORDER,
        DUPLICATE_FIELD, WRONG_VALUE, NESTED_JUNK, TRAILING_JUNK,
        HUGE_PAYLOAD, RANDOM_LINE;

        /** True if the mutation writes a checksum that matches its damaged content. */
        boolean checksumRecomputed() {
            return ordinal() >= VALID_CRC_BIT_FLIP.ordinal();
        }
    }

    /** Bytes that are never valid UTF-8 where they stand. */
    private static final byte[] NON_UTF8 = {(byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xF5,
        (byte) 0xF8, (byte) 0xFE, (byte) 0xFF, (byte) 0xED};
    private static final String DEEP = "[".repeat(3000) + "]".repeat(3000);
    private static final String[] JUNK_VALUES = {"\"x\"", "-1", "0", "-0", "1.5", "1e400", "99999999999999999999999",
        "9223372036854775808", "null", "true", "[]", "{}", "\"\"", "{\"a\":{\"b\":[1,{\"c\":null}]}}",
        "[1,[2,[3,[4]]]]", DEEP, "\"\\u0000\"", "\"\\ud800\"", "\"2026-13-45T99:99:99Z\"",
        "\"+1000000000-01-01T00:00:00Z\"", "NaN", "\"\\\"\"", "\"a\\\\\"", "\"pri mary\"", "[\"primary\",1]",
        "\"" + "y".repeat(70_000) + "\"", "\"APPLIED\"", "\"entry\"", "{\"maxAttempts\":0}", "01", "+1", "\"\\uZZZZ\""};
    private static final Pattern PRIMITIVE = Pattern.compile(":(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|\"(?:[^\"\\\\]|\\\\.)*\"|true|false|null)");
    private static final JsonFactory JSON = new JsonFactory();

    private LineMutations() {
    }

    /** Applies {@code kind} to {@code line} (with its {@code \n}); the result may hold several lines or none. */
    static byte[] mutate(byte[] line, Kind kind, Random random) {
        byte[] body = Arrays.copyOf(line, line.length - 1);
        switch (kind) {
            case BIT_FLIP:
                return bitFlips(line, random);
            case TRUNCATE:
                return Arrays.copyOf(line, 1 + random.nextInt(line.length - 1));
            case INSERT_BYTES:
                return insert(line, random.nextInt(line.length), randomBytes(random, 1 + random.nextInt(8)));
            case DELETE_BYTES: {
                int at = random.nextInt(line.length);
                return delete(line, at, Math.min(line.length - at, 1 + random.nextInt(8)));
            }
            case NON_UTF8_BYTES:
                return withNonUtf8(line, random, 1 + random.nextInt(3), 0, line.length - 1);
            case WRONG_CHECKSUM:
                return wrongChecksum(line, random);
            case ZERO_RUN: {
                byte[] zeros = new byte[1 + random.nextInt(100)];
                int at = random.nextInt(line.length);
                return random.nextBoolean() ? insert(line, at, zeros) : overwrite(line, at, zeros);
            }
            case LINE_BREAK_INSIDE:
                return insert(line, 1 + random.nextInt(line.length - 1), new byte[] {'\n'});
            case DUPLICATE_SPAN: {
                int from = random.nextInt(line.length);
                int to = from + random.nextInt(Math.min(64, line.length - from) + 1);
                return insert(line, random.nextInt(line.length), Arrays.copyOfRange(line, from, to));
            }
            case VALID_CRC_BIT_FLIP:
                return reframe(bitFlips(rest(body), random));
            case VALID_CRC_INSERT_DELETE: {
                byte[] rest = rest(body);
                int at = random.nextInt(rest.length);
                return reframe(random.nextBoolean() ? insert(rest, at, randomBytes(random, 1 + random.nextInt(8)))
                        : delete(rest, at, Math.min(rest.length - at, 1 + random.nextInt(8))));
            }
            case VALID_CRC_NON_UTF8: {
                byte[] rest = rest(body);
                return reframe(withNonUtf8(rest, random, 1 + random.nextInt(2), 0, rest.length));
            }
            case MISSING_FIELD: {
                List<byte[]> fields = fields(body);
                fields.remove(random.nextInt(fields.size()));
                return reframe(join(fields));
            }
            case FIELD_ORDER: {
                List<byte[]> fields = fields(body);
                byte[] moved = fields.remove(random.nextInt(fields.size()));
                fields.add(random.nextInt(fields.size() + 1), moved);
                return reframe(join(fields));
            }
            case DUPLICATE_FIELD: {
                // the same name again, with the same value, junk, or a near value (seq + 1, a string + "x")
                List<byte[]> fields = fields(body);
                byte[] copy = fields.get(random.nextInt(fields.size()));
                int variant = random.nextInt(3);
                if (variant == 1) {
                    copy = replaceValue(copy, junk(random));
                } else if (variant == 2) {
                    copy = replaceValue(copy, near(valueOf(copy)));
                }
                fields.add(random.nextInt(fields.size() + 1), copy);
                return reframe(join(fields));
            }
            case WRONG_VALUE:
                if (random.nextBoolean()) {
                    List<byte[]> fields = fields(body);
                    int i = random.nextInt(fields.size());
                    fields.set(i, replaceValue(fields.get(i), junk(random)));
                    return reframe(join(fields));
                }
                return reframe(replacePrimitive(rest(body), random));
            case NESTED_JUNK: {
                List<byte[]> fields = fields(body);
                int i = random.nextInt(fields.size());
                String value = valueOf(fields.get(i));
                String[] wrappers = {"[" + value + "]", "{\"v\":" + value + "}", "[[{\"a\":[" + value + "]}]]",
                    "{\"nested\":" + DEEP + "}"};
                fields.set(i, replaceValue(fields.get(i), wrappers[random.nextInt(wrappers.length)]));
                return reframe(join(fields));
            }
            case TRAILING_JUNK: {
                String[] tails = {"}", " ", ",\"x\":1}", "garbage", "\t", ",}", "{}"};
                byte[] rest = rest(body);
                if (random.nextBoolean()) {
                    return reframe(concat(rest, ascii(tails[random.nextInt(tails.length)])));
                }
                List<byte[]> fields = fields(body);
                fields.add(random.nextInt(fields.size() + 1), ascii("\"extra\":" + junk(random)));
                return reframe(join(fields));
            }
            case HUGE_PAYLOAD:
                return reframe(ascii("\"type\":\"entry\",\"seq\":1,\"id\":\"i\",\"createdAt\":\"2026-01-01T00:00:00Z\","
                        + "\"namespace\":\"n\",\"key\":null,\"operation\":\"o\",\"targets\":[\"primary\"],"
                        + "\"idempotencyKey\":\"k\",\"correlationId\":null,\"tenantId\":null,\"userId\":null,"
                        + "\"lifecycle\":{\"maxAttempts\":1,\"initialDelayMs\":0,\"backoff\":\"FIXED\",\"backoffBaseMs\":1,"
                        + "\"backoffMultiplier\":1.0,\"backoffCapMs\":1,\"jitter\":false,\"ttlMs\":null,"
                        + "\"priority\":\"LOW\"},\"payload\":\"" + "z".repeat((1 << 20) + random.nextInt(1 << 19)) + "\"}"));
            default:
                return randomLine(random);
        }
    }

    private static byte[] randomLine(Random random) {
        switch (random.nextInt(3)) {
            case 0:
                return concat(randomBytes(random, random.nextInt(300)), new byte[] {'\n'});
            case 1: {
                byte[] b = new byte[random.nextInt(300)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (32 + random.nextInt(95));
                }
                return concat(b, new byte[] {'\n'});
            }
            default:
                return reframe(ascii("\"type\":\"" + new String[] {"entry", "status", "checkpoint", "header", "other"}
                        [random.nextInt(5)] + "\",\"seq\":" + junk(random) + "}"));
        }
    }

    /** A value close to {@code value}: a number plus one, a string with one more character. */
    private static String near(String value) {
        if (value.matches("\\d{1,18}")) {
            return String.valueOf(Long.parseLong(value) + 1);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(0, value.length() - 1) + "x\"";
        }
        return value + " ";
    }

    private static String junk(Random random) {
        return JUNK_VALUES[random.nextInt(JUNK_VALUES.length)];
    }

    private static byte[] bitFlips(byte[] b, Random random) {
        byte[] out = b.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            int at = random.nextInt(out.length);
            out[at] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    private static byte[] wrongChecksum(byte[] line, Random random) {
        byte[] out = line.clone();
        if (out.length < 17) {
            return out;
        }
        int at = LineCodec.CRC_OFFSET + random.nextInt(8);
        switch (random.nextInt(4)) {
            case 0:
                out[at] = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII)[random.nextInt(16)];
                break;
            case 1:
                out[at] = (byte) Character.toUpperCase((char) out[at]);
                break;
            case 2:
                out[at] = "gxz- \"".getBytes(StandardCharsets.US_ASCII)[random.nextInt(6)];
                break;
            default:
                int other = LineCodec.CRC_OFFSET + random.nextInt(8);
                byte t = out[at];
                out[at] = out[other];
                out[other] = t;
                break;
        }
        return out;
    }

    private static byte[] withNonUtf8(byte[] b, Random random, int count, int from, int to) {
        byte[] out = b.clone();
        for (int i = 0; i < count && to > from; i++) {
            out[from + random.nextInt(to - from)] = NON_UTF8[random.nextInt(NON_UTF8.length)];
        }
        return out;
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int n) {
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out;
    }

    private static byte[] overwrite(byte[] b, int at, byte[] what) {
        byte[] out = b.clone();
        System.arraycopy(what, 0, out, at, Math.min(what.length, out.length - at));
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** REST of a line without its {@code \n}: everything after the 18-byte frame. */
    private static byte[] rest(byte[] body) {
        return Arrays.copyOfRange(body, Math.min(LineCodec.REST_OFFSET, body.length), body.length);
    }

    /** A line framed around {@code rest} with its correct checksum, ending in {@code \n}. */
    static byte[] reframe(byte[] rest) {
        CRC32C crc = new CRC32C();
        crc.update(rest);
        byte[] line = new byte[LineCodec.REST_OFFSET + rest.length + 1];
        System.arraycopy(rest, 0, line, LineCodec.REST_OFFSET, rest.length);
        LineCodec.writeFrame(line, (int) crc.getValue());
        line[line.length - 1] = '\n';
        return line;
    }

    /**
     * The top-level fields of a well-formed line (without its {@code \n}) after the checksum, each
     * as the bytes {@code "name":value}.
     */
    static List<byte[]> fields(byte[] body) {
        byte[] object = concat(new byte[] {'{'}, rest(body));
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(object)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                int from = (int) p.currentTokenLocation().getByteOffset();
                p.nextToken();
                p.skipChildren();
                p.finishToken(); // a string is read lazily: read it to its closing quote
                int to = (int) p.currentLocation().getByteOffset();
                out.add(Arrays.copyOfRange(object, from, to));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a sample line is not well-formed JSON", e);
        }
        return out;
    }

    /** The line rebuilt from its {@link #fields}: equal to {@code line} when the splitting is right. */
    static byte[] rebuilt(byte[] line) {
        return reframe(join(fields(Arrays.copyOf(line, line.length - 1))));
    }

    /** REST made of {@code fields}: {@code f1,f2,…}}. */
    private static byte[] join(List<byte[]> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(fields.get(i));
        }
        out.write('}');
        return out.toByteArray();
    }

    private static String valueOf(byte[] field) {
        String s = new String(field, StandardCharsets.UTF_8);
        return s.substring(colonAfterName(s) + 1);
    }

    private static byte[] replaceValue(byte[] field, String value) {
        String s = new String(field, StandardCharsets.UTF_8);
        return ascii(s.substring(0, colonAfterName(s) + 1) + value);
    }

    /** Index of the colon that ends {@code "name"} (names hold no escaped quotes). */
    private static int colonAfterName(String field) {
        return field.indexOf('"', 1) + 1;
    }

    /** Replaces one primitive JSON value (after a colon) anywhere in {@code rest} by junk. */
    private static byte[] replacePrimitive(byte[] rest, Random random) {
        String s = new String(rest, StandardCharsets.UTF_8);
        Matcher m = PRIMITIVE.matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(1), m.end(1)});
        }
        if (spans.isEmpty()) {
            return rest;
        }
        int[] span = spans.get(random.nextInt(spans.size()));
        return ascii(s.substring(0, span[0]) + junk(random) + s.substring(span[1]));
    }
}
