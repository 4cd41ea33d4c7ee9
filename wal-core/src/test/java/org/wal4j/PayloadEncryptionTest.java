package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadContext;

/**
 * The AES-GCM payload codec (issue 13, item 9): what it stores, what it refuses to decode, and the
 * key material it refuses to be built with, each message naming the problem and the value.
 */
class PayloadEncryptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] K1 = bytes(16, 1);
    private static final byte[] K2 = bytes(32, 2);
    private static final PayloadContext ENTRY = new PayloadContext("0192b1f0-0000-7000-8000-000000000001", "orders");
    private static final String PAYLOAD = "{\"account\":\"DE44-SECRET-7731\",\"amount\":125.50}";

    @TempDir
    Path dir;

    private static byte[] bytes(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        b[0] = (byte) (fill + 100);
        return b;
    }

    private static PayloadCodec k1() {
        return PayloadEncryption.builder().currentKey("k1", K1).build();
    }

    private static String refusal(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static String payloadRefusal(Executable call) {
        return assertThrows(WalPayloadException.class, call).getMessage();
    }

    @Test
    void encode_storesKeyIdFreshIvAndCiphertext_withoutThePlaintext() throws Exception {
        PayloadCodec codec = k1();
        String stored = codec.encode(ENTRY, PAYLOAD);
        JsonNode tree = JSON.readTree(stored);
        assertEquals(3, tree.size(), stored);
        assertEquals("k1", tree.get("kid").asText());
        assertEquals(12, Base64.getDecoder().decode(tree.get("iv").asText()).length);
        assertEquals(PAYLOAD.getBytes(StandardCharsets.UTF_8).length + 16,
                Base64.getDecoder().decode(tree.get("ct").asText()).length);
        assertFalse(stored.contains("SECRET"), stored);
        assertFalse(stored.contains("\n"));
        assertEquals(PAYLOAD, codec.decode(ENTRY, stored));
        assertEquals("aes-gcm", codec.name());
        assertEquals(PayloadEncryption.CODEC_NAME, codec.name());
        // a fresh IV per payload: the same payload twice is stored twice differently
        String again = codec.encode(ENTRY, PAYLOAD);
        assertNotEquals(JSON.readTree(again).get("iv"), tree.get("iv"));
        assertNotEquals(again, stored);
    }

    @Test
    void decode_refusesAWrongKeyUnderTheSameId_namingKeyAndEntry() {
        String stored = k1().encode(ENTRY, PAYLOAD);
        PayloadCodec other = PayloadEncryption.builder().currentKey("k1", bytes(16, 9)).build();
        assertEquals("payload of entry 0192b1f0-0000-7000-8000-000000000001 (namespace orders) does not decrypt "
                + "with key id 'k1': its authentication tag does not verify (the key given under that id is not the "
                + "one it was written with, or the ciphertext was altered or copied from another entry)",
                payloadRefusal(() -> other.decode(ENTRY, stored)));
    }

    @Test
    void decode_refusesAnUnknownKeyId_listingTheKeysGiven() {
        String stored = k1().encode(ENTRY, PAYLOAD);
        PayloadCodec other = PayloadEncryption.builder().currentKey("k3", K2).previousKey("k2", K1).build();
        assertEquals("payload of entry 0192b1f0-0000-7000-8000-000000000001 (namespace orders) is encrypted with key "
                + "id 'k1', which is not among the payload keys given [k2, k3]; add that key (as an older key) to read it",
                payloadRefusal(() -> other.decode(ENTRY, stored)));
    }

    @Test
    void decode_refusesACiphertextMovedToAnotherEntryOrNamespaceOrRelabelled() throws Exception {
        PayloadCodec codec = PayloadEncryption.builder().currentKey("k2", K2).previousKey("k1", K2.clone()).build();
        String stored = codec.encode(ENTRY, PAYLOAD);
        PayloadContext otherId = new PayloadContext("0192b1f0-0000-7000-8000-000000000002", "orders");
        assertTrue(payloadRefusal(() -> codec.decode(otherId, stored)).contains("authentication tag does not verify"));
        PayloadContext otherNamespace = new PayloadContext(ENTRY.entryId(), "orders2");
        assertTrue(payloadRefusal(() -> codec.decode(otherNamespace, stored)).contains("does not verify"));
        // same key bytes under another id: the id is bound too
        ObjectNode relabelled = (ObjectNode) JSON.readTree(stored);
        relabelled.put("kid", "k1");
        assertTrue(payloadRefusal(() -> codec.decode(ENTRY, relabelled.toString())).contains("key id 'k1'"));
        // a flipped ciphertext bit
        ObjectNode flipped = (ObjectNode) JSON.readTree(stored);
        byte[] ct = Base64.getDecoder().decode(flipped.get("ct").asText());
        ct[0] ^= 1;
        flipped.put("ct", Base64.getEncoder().encodeToString(ct));
        assertTrue(payloadRefusal(() -> codec.decode(ENTRY, flipped.toString())).contains("does not verify"));
    }

    @Test
    void decode_refusesMalformedStoredForms_namingTheProblem() {
        PayloadCodec codec = k1();
        String prefix = "payload of entry 0192b1f0-0000-7000-8000-000000000001 (namespace orders) is not in the aes-gcm "
                + "stored form {\"kid\",\"iv\",\"ct\"}";
        assertEquals(prefix + ": not a JSON object", payloadRefusal(() -> codec.decode(ENTRY, "[1]")));
        assertEquals(prefix + ": field kid is not a string", payloadRefusal(() -> codec.decode(ENTRY, "{\"kid\":1}")));
        assertEquals(prefix + " (key id 'k1'): a field of kid, iv, ct is missing",
                payloadRefusal(() -> codec.decode(ENTRY, "{\"kid\":\"k1\",\"iv\":\"AAAA\"}")));
        assertEquals(prefix + ": unknown field x", payloadRefusal(() -> codec.decode(ENTRY, "{\"x\":\"1\"}")));
        assertEquals(prefix + " (key id 'k1'): iv is 3 bytes, not 12",
                payloadRefusal(() -> codec.decode(ENTRY, "{\"kid\":\"k1\",\"iv\":\"AAAA\",\"ct\":\"AAAA\"}")));
        assertEquals(prefix + " (key id 'k1'): ct is 3 bytes, shorter than the tag", payloadRefusal(() -> codec.decode(
                ENTRY, "{\"kid\":\"k1\",\"iv\":\"AAAAAAAAAAAAAAAA\",\"ct\":\"AAAA\"}")));
        assertTrue(payloadRefusal(() -> codec.decode(ENTRY, "{\"kid\":\"k1\"} 1")).endsWith(": not one JSON object"));
        assertTrue(payloadRefusal(() -> codec.decode(ENTRY, "{\"kid\":\"k1\",\"iv\":\"!!\",\"ct\":\"AAAA\"}"))
                .startsWith(prefix + " (key id 'k1'): "));
    }

    @Test
    void rotation_newPayloadsUseTheCurrentKey_olderOnesStillDecrypt() throws Exception {
        String underK1 = k1().encode(ENTRY, PAYLOAD);
        PayloadCodec rotated = PayloadEncryption.builder().currentKey("k2", K2).previousKey("k1", K1).build();
        assertEquals(PAYLOAD, rotated.decode(ENTRY, underK1));
        String underK2 = rotated.encode(ENTRY, PAYLOAD);
        assertEquals("k2", JSON.readTree(underK2).get("kid").asText());
        assertEquals(PAYLOAD, rotated.decode(ENTRY, underK2));
        assertEquals("PayloadCodec{aes-gcm, current key 'k2', older keys [k1]}", rotated.toString());
    }

    @Test
    void builder_refusesBadKeyMaterial_namingProblemAndValue() throws Exception {
        assertEquals("payload key id must not be blank but was ' '",
                refusal(() -> PayloadEncryption.builder().currentKey(" ", K1)));
        assertEquals("payload key id must not be blank but was ''",
                refusal(() -> PayloadEncryption.builder().currentKey("", K1)));
        assertEquals("payload key id must match [A-Za-z0-9._-]{1,64} but was 'k=1'",
                refusal(() -> PayloadEncryption.builder().currentKey("k=1", K1)));
        assertEquals("payload key 'k1' is 24 bytes (192 bits); an AES key for payloads is 16 or 32 bytes (128 or 256 "
                + "bits)", refusal(() -> PayloadEncryption.builder().currentKey("k1", new byte[24])));
        assertEquals("payload key 'k1' is 0 bytes (0 bits); an AES key for payloads is 16 or 32 bytes (128 or 256 "
                + "bits)", refusal(() -> PayloadEncryption.builder().previousKey("k1", new SecretKeySpec(new byte[1], 0,
                1, "AES") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public byte[] getEncoded() {
                        return new byte[0];
                    }
                })));
        assertEquals("payload key id 'k1' is given twice",
                refusal(() -> PayloadEncryption.builder().currentKey("k1", K1).previousKey("k1", K2)));
        assertEquals("the current payload key is already 'k1'; cannot make 'k2' current too (give older keys with "
                + "previousKey)", refusal(() -> PayloadEncryption.builder().currentKey("k1", K1).currentKey("k2", K2)));
        assertEquals("no current payload key: give the key new payloads are encrypted with by currentKey(id, key); "
                + "previous keys [k1]", refusal(() -> PayloadEncryption.builder().previousKey("k1", K1).build()));
        assertEquals("no current payload key: give the key new payloads are encrypted with by currentKey(id, key)",
                refusal(() -> PayloadEncryption.builder().build()));
        SecretKey hmac = KeyGenerator.getInstance("HmacSHA256").generateKey();
        assertEquals("payload key 'k1' is a HmacSHA256 key; payloads are encrypted with AES",
                refusal(() -> PayloadEncryption.builder().currentKey("k1", hmac)));
        assertEquals("payload key 'k1' must not be null",
                refusal(() -> PayloadEncryption.builder().currentKey("k1", (byte[]) null)));
        SecretKey generated = KeyGenerator.getInstance("AES").generateKey();
        PayloadCodec codec = PayloadEncryption.builder().currentKey("gen", generated).build();
        assertEquals(PAYLOAD, codec.decode(ENTRY, codec.encode(ENTRY, PAYLOAD)));
    }

    @Test
    void fromKeyFile_lastKeyIsCurrent_othersDecrypt() throws Exception {
        String underK1 = k1().encode(ENTRY, PAYLOAD);
        Path file = dir.resolve("keys");
        Files.writeString(file, "# payload keys\n\n k1 = " + Base64.getEncoder().encodeToString(K1) + "\nk2="
                + Base64.getEncoder().encodeToString(K2) + "\n");
        PayloadCodec codec = PayloadEncryption.fromKeyFile(file);
        assertEquals("PayloadCodec{aes-gcm, current key 'k2', older keys [k1]}", codec.toString());
        assertEquals(PAYLOAD, codec.decode(ENTRY, underK1));
        assertEquals("k2", JSON.readTree(codec.encode(ENTRY, PAYLOAD)).get("kid").asText());
    }

    @Test
    void fromKeyFile_refusesBadLines_namingFileAndLineButNeverTheKey() throws Exception {
        Path file = dir.resolve("keys");
        String k1 = "k1=" + Base64.getEncoder().encodeToString(K1) + "\n";
        Files.writeString(file, k1 + "k2\n");
        assertEquals("payload key file " + file + " line 2: expected id=BASE64KEY, found no '='",
                refusal(() -> PayloadEncryption.fromKeyFile(file)));
        Files.writeString(file, k1 + k1);
        assertEquals("payload key file " + file + " line 2: payload key id 'k1' is given twice",
                refusal(() -> PayloadEncryption.fromKeyFile(file)));
        Files.writeString(file, "=" + Base64.getEncoder().encodeToString(K1) + "\n");
        assertEquals("payload key file " + file + " line 1: payload key id must not be blank but was ''",
                refusal(() -> PayloadEncryption.fromKeyFile(file)));
        Files.writeString(file, "k1=c2VjcmV0LWtleS10ZXh0!!\n");
        String notBase64 = refusal(() -> PayloadEncryption.fromKeyFile(file));
        assertEquals("payload key file " + file + " line 1: payload key 'k1' is not base64 (RFC 4648)", notBase64);
        Files.writeString(file, "k1=" + Base64.getEncoder().encodeToString(new byte[20]) + "\n");
        assertEquals("payload key file " + file + " line 1: payload key 'k1' is 20 bytes (160 bits); an AES key for "
                + "payloads is 16 or 32 bytes (128 or 256 bits)", refusal(() -> PayloadEncryption.fromKeyFile(file)));
        Files.writeString(file, "# nothing\n");
        assertEquals("payload key file " + file + " holds no key (lines id=BASE64KEY)",
                refusal(() -> PayloadEncryption.fromKeyFile(file)));
        Path missing = dir.resolve("missing");
        assertTrue(refusal(() -> PayloadEncryption.fromKeyFile(missing)).startsWith(
                "payload key file " + missing + " cannot be read: java.nio.file.NoSuchFileException"));
    }

    @Test
    void encodeAndDecode_fromManyThreadsAtOnce_eachRoundTrips_withDistinctIvs() throws Exception {
        PayloadCodec codec = PayloadEncryption.builder().currentKey("k2", K2).previousKey("k1", K1).build();
        int threads = 8;
        int each = 300;
        java.util.Set<String> ivs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        PayloadContext c = new PayloadContext("id-" + thread + "-" + i, "ns" + thread);
                        String payload = "{\"t\":" + thread + ",\"i\":" + i + "}";
                        String stored = codec.encode(c, payload);
                        ivs.add(JSON.readTree(stored).get("iv").asText());
                        if (codec.decode(c, stored).equals(payload)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : done) {
                assertEquals(each, f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * each, ivs.size(), "every payload got its own IV");
    }

    @Property(tries = 300)
    void encodeThenDecode_returnsThePayloadCharForChar(@ForAll("payloads") String payload,
                                                      @ForAll("names") String namespace) {
        PayloadCodec codec = PayloadEncryption.builder().currentKey("k2", K2).previousKey("k1", K1).build();
        PayloadContext context = new PayloadContext("id-" + namespace, namespace);
        String stored = codec.encode(context, payload);
        assertFalse(stored.contains("\n") || stored.contains("\r") || stored.indexOf(0) >= 0, stored);
        assertEquals(payload, codec.decode(context, stored));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    }

    /** Any JSON a WalEntry accepts: strings with every kind of character, numbers, nesting. */
    @Provide
    Arbitrary<String> payloads() {
        Arbitrary<String> strings = Arbitraries.strings().all().ofMaxLength(40)
                .filter(s -> s.codePoints().allMatch(Character::isValidCodePoint)
                        && s.chars().noneMatch(c -> Character.isSurrogate((char) c)))
                .map(s -> {
                    try {
                        return JSON.writeValueAsString(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        Arbitrary<String> numbers = Arbitraries.bigDecimals().map(java.math.BigDecimal::toString);
        Arbitrary<String> leaves = Arbitraries.oneOf(strings, numbers, Arbitraries.of("true", "false", "null"));
        return Arbitraries.recursive(() -> leaves, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Arbitraries.maps(strings, inner).ofMaxSize(4).map(m -> {
                    StringBuilder b = new StringBuilder("{");
                    m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(k).append(':').append(v));
                    return b.append('}').toString();
                })), 0, 3).map(json -> WalEntry.builder("ns", "op").payloadJson(json).build().payload());
    }
}
