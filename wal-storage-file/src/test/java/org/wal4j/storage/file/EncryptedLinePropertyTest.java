package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.wal4j.PayloadEncryption;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadReading;

/**
 * An encrypted entry line, for arbitrary payload JSON: framed with a valid checksum, one line
 * without the payload's text in it, decoded back to the entry that was encoded (payload char for
 * char), and read as stored it is the codec's {@code {"kid","iv","ct"}} form.
 */
class EncryptedLinePropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PayloadCodec CODEC = PayloadEncryption.builder().currentKey("k2", key(32))
            .previousKey("k1", key(16)).build();
    private static final Path FILE = Path.of("00000000000000000001.wal");

    private static byte[] key(int length) {
        byte[] k = new byte[length];
        Arrays.fill(k, (byte) length);
        return k;
    }

    @Property(tries = 300)
    void encryptedLine_decodesToTheEntry_andHoldsNoPayloadText(@ForAll("payloads") String payload) throws Exception {
        WalEntry entry = WalEntry.builder("accounts", "debit").key("acct-1").targets("primary")
                .payloadJson("{\"secret\":\"MARKER-7731\",\"value\":" + payload + "}").build();
        byte[] body = EntryBodyEncoder.encode(entry, CODEC, FileStorageConfig.MAX_MAX_ENTRY_BYTES);
        ByteBuffer line = ByteBuffer.allocate(LineCodec.entryLineLength(7, body));
        LineCodec.frameEntry(line, 7, body, new CRC32C(), new byte[64]);
        byte[] bytes = line.array();
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(bytes.length - 1, text.indexOf('\n'), "one line, ending in its only line break");
        assertFalse(text.contains("MARKER-7731"), text);
        assertTrue(text.contains(",\"payloadCodec\":\"aes-gcm\",\"payload\":{\"kid\":\"k2\",\"iv\":\""), text);

        WalEntry decoded = EntryDecoder.decode(bytes, 0, bytes.length - 1, FILE, 0, PayloadReading.decoding(LogReader.PAYLOAD_KEYS, CODEC));
        assertEquals(entry.withSeq(7), decoded);
        assertEquals(entry.payload(), decoded.payload());
        assertEquals(null, EntryDecoder.problemOf(bytes, 0, bytes.length - 1), "the verifier accepts it without keys");
        String stored = EntryDecoder.decode(bytes, 0, bytes.length - 1, FILE, 0, PayloadReading.asStored()).payload();
        assertEquals(3, JSON.readTree(stored).size(), stored);
    }

    @Provide
    Arbitrary<String> payloads() {
        Arbitrary<String> strings = Arbitraries.strings().all().ofMaxLength(30)
                .filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c)))
                .map(EncryptedLinePropertyTest::quoted);
        Arbitrary<String> leaves = Arbitraries.oneOf(strings, Arbitraries.bigDecimals().map(Object::toString),
                Arbitraries.of("true", "false", "null"));
        return Arbitraries.recursive(() -> leaves, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"),
                inner.list().ofMaxSize(3).map(l -> {
                    StringBuilder b = new StringBuilder("{");
                    for (int i = 0; i < l.size(); i++) {
                        b.append(i > 0 ? "," : "").append("\"f").append(i).append("\":").append(l.get(i));
                    }
                    return b.append('}').toString();
                })), 0, 3);
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
