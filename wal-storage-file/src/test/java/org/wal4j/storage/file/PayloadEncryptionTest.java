package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryTooLargeException;
import org.wal4j.PayloadEncryption;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WalPayloadException;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * Payloads encrypted at rest in the file log (issue 13, item 9): the targets, replay, dead letters
 * and the storage's reads see the payload the application wrote; the segment files hold only its
 * ciphertext; a wrong, unknown or missing key is refused naming the key id and the entry; keys
 * rotate; checksums, torn-tail recovery and the verifier work on the ciphertext as on any line.
 */
class PayloadEncryptionTest {
    private static final String MARKER = "DE44-SECRET-ACCOUNT-7731";
    private static final byte[] K1 = key(16, 1);
    private static final byte[] K2 = key(32, 2);
    private static final Pattern KID = Pattern.compile("\"payloadCodec\":\"aes-gcm\",\"payload\":\\{\"kid\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    private static byte[] key(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        b[1] = (byte) (fill * 7);
        return b;
    }

    private static PayloadCodec k1() {
        return PayloadEncryption.builder().currentKey("k1", K1).build();
    }

    private FileWalStorage open(PayloadCodec codec) {
        return FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(4 << 10).payloadCodec(codec).build());
    }

    private FileWalStorage openPlain() {
        return FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(4 << 10).build());
    }

    private static WalEntry entry(int n) {
        return WalEntry.builder("accounts", "debit").key("acct-" + (n % 3)).targets(List.of("primary"))
                .payloadJson("{\"account\":\"" + MARKER + "\",\"n\":" + n + ",\"amount\":12.5}").build();
    }

    private static String payload(int n) {
        return entry(n).payload();
    }

    private String allSegmentText() throws Exception {
        StringBuilder b = new StringBuilder();
        for (Path p : Logs.segments(dir)) {
            b.append(Files.readString(p, StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private List<String> keyIdsInLines() throws Exception {
        List<String> ids = new ArrayList<>();
        Matcher m = KID.matcher(allSegmentText());
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static List<String> payloads(FileWalStorage storage) {
        try (Stream<WalEntry> all = storage.scan(1)) {
            return all.map(WalEntry::payload).toList();
        }
    }

    @Test
    void wal_targetsReplayAndDeadLettersSeePlaintext_filesHoldOnlyCiphertext() throws Exception {
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        ScriptedSyncTarget audit = new ScriptedSyncTarget("audit", Clock.systemUTC())
                .failPermanently(e -> e.payload().contains("\"n\":3,"), "audit refuses entry 3");
        FileWalStorage storage = open(k1());
        Wal wal = Wal.builder(storage).target(primary).target(audit).config(WalConfig.ofDefaults()).build().start();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            WalEntry.Builder b = WalEntry.builder("accounts", "debit").key("acct-" + (i % 3))
                    .payloadJson("{\"account\":\"" + MARKER + "\",\"n\":" + i + ",\"amount\":12.5}");
            wal.write(b);
            written.add("{\"account\":\"" + MARKER + "\",\"n\":" + i + ",\"amount\":12.5}");
        }
        Await.until(() -> primary.applied().size() == 40 && audit.applied().size() == 39,
                () -> "primary applied " + primary.applied().size() + ", audit " + audit.applied().size());
        // lanes apply in parallel: the set of payloads, not their order across lanes
        assertEquals(new java.util.TreeSet<>(written), new java.util.TreeSet<>(primary.applied().stream()
                .map(WalEntry::payload).toList()), "the target sees plaintext");
        Await.until(() -> wal.admin().deadLetters(DeadLetterFilter.all()).count() == 1, () -> "one dead letter");
        List<DeadLetter> dead = wal.admin().deadLetters(DeadLetterFilter.all()).toList();
        assertEquals(written.get(3), dead.get(0).entry().payload(), "a dead letter lists the plaintext");
        assertEquals(written, payloads(storage), "reads see plaintext");
        wal.stop(Duration.ofSeconds(5));

        String files = allSegmentText();
        assertFalse(files.contains(MARKER), "the segment files hold no plaintext");
        assertFalse(files.contains("amount"), "not even the field names");
        assertTrue(Logs.segments(dir).size() > 1, "the log rotated");
        assertEquals(40, keyIdsInLines().size(), "every entry line carries the codec and key id");
        assertEquals(List.of("k1"), keyIdsInLines().stream().distinct().toList());
        assertTrue(LogVerifier.verify(dir).ok(), "the verifier checks encrypted lines without keys");

        try (FileWalStorage reopened = open(k1())) {
            assertTrue(reopened.recoveryReport().clean(), reopened.recoveryReport().toString());
            assertEquals(written, payloads(reopened), "a restart reads the encrypted lines");
            assertEquals(written.get(3), reopened.deadLetters("audit", 0, 10).get(0).entry().payload());
        }
        try (LogInspector inspector = LogInspector.open(dir); Stream<WalEntry> stored = inspector.scan(1)) {
            String first = stored.findFirst().orElseThrow().payload();
            assertTrue(first.startsWith("{\"kid\":\"k1\",\"iv\":\""), first);
            assertFalse(first.contains(MARKER));
        }
        try (LogInspector inspector = LogInspector.open(dir, k1()); Stream<WalEntry> plain = inspector.scan(1)) {
            assertEquals(written, plain.map(WalEntry::payload).toList());
        }
    }

    @Test
    void read_withAWrongKey_failsNamingKeyIdAndEntry() {
        WalEntry appended;
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(0)));
            appended = storage.read(1).orElseThrow();
        }
        PayloadCodec wrong = PayloadEncryption.builder().currentKey("k1", key(16, 9)).build();
        try (FileWalStorage storage = open(wrong)) {
            WalPayloadException e = assertThrows(WalPayloadException.class, () -> storage.read(1));
            assertEquals("entry seq 1 (id " + appended.id() + ", namespace accounts) in " + Logs.segments(dir).get(0)
                    + " at offset 105: payload of entry " + appended.id() + " (namespace accounts) does not decrypt with "
                    + "key id 'k1': its authentication tag does not verify (the key given under that id is not the one "
                    + "it was written with, or the ciphertext was altered or copied from another entry)", e.getMessage());
            assertThrows(WalPayloadException.class, () -> payloads(storage), "a scan fails too: no silent skip");
        }
    }

    @Test
    void read_withAnUnknownKeyId_failsListingTheKeysGiven() {
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(0)));
        }
        try (FileWalStorage storage = open(PayloadEncryption.builder().currentKey("k2", K2).build())) {
            String message = assertThrows(WalPayloadException.class, () -> storage.read(1)).getMessage();
            assertTrue(message.startsWith("entry seq 1 (id "), message);
            assertTrue(message.endsWith("is encrypted with key id 'k1', which is not among the payload keys given [k2]; "
                    + "add that key (as an older key) to read it"), message);
        }
    }

    @Test
    void encryptionTurnedOff_whileEncryptedLinesRemain_failsAtReadAndAtWalStart() {
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(0)));
        }
        FileWalStorage plain = openPlain();
        String message = assertThrows(WalPayloadException.class, () -> plain.read(1)).getMessage();
        assertTrue(message.matches("entry seq 1 \\(id [0-9a-f-]+, namespace accounts\\) in .* at offset 105 holds a "
                + "payload encoded by payload codec 'aes-gcm' with key id 'k1', but the log was opened without a payload "
                + "codec; give the payload keys \\(FileStorageConfig.Builder.payloadCodec, wal.payload.key.file, or wal "
                + "--payload-key-file\\) to read it"), message);
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        Wal wal = Wal.builder(plain).target(primary).config(WalConfig.ofDefaults()).build();
        WalPayloadException atStart = assertThrows(WalPayloadException.class, wal::start);
        assertEquals(message, atStart.getMessage());
        assertEquals(0, primary.applied().size(), "nothing, least of all ciphertext, reached the target");
        plain.close();
    }

    @Test
    void encryptionTurnedOn_forAnExistingPlainLog_readsBothKinds() throws Exception {
        try (FileWalStorage storage = openPlain()) {
            storage.append(List.of(entry(0), entry(1)));
        }
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(2)));
            assertEquals(List.of(payload(0), payload(1), payload(2)), payloads(storage));
        }
        String files = allSegmentText();
        assertEquals(2, files.split(Pattern.quote(MARKER), -1).length - 1, "the two old lines stay as written");
        assertEquals(List.of("k1"), keyIdsInLines(), "the new line is encrypted");
        try (FileWalStorage storage = open(k1())) {
            assertEquals(List.of(payload(0), payload(1), payload(2)), payloads(storage), "after a restart too");
        }
    }

    @Test
    void rotation_linesUnderK1StillRead_newLinesCarryK2() throws Exception {
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(0), entry(1)));
        }
        PayloadCodec rotated = PayloadEncryption.builder().currentKey("k2", K2).previousKey("k1", K1).build();
        try (FileWalStorage storage = open(rotated)) {
            storage.append(List.of(entry(2)));
            assertEquals(List.of(payload(0), payload(1), payload(2)), payloads(storage));
        }
        assertEquals(List.of("k1", "k1", "k2"), keyIdsInLines());
        try (FileWalStorage storage = open(PayloadEncryption.builder().currentKey("k2", K2).build())) {
            assertEquals(payload(2), storage.read(3).orElseThrow().payload(), "k2 alone reads k2's lines");
            assertThrows(WalPayloadException.class, () -> storage.read(1), "but not k1's: keep k1 until they are gone");
        }
    }

    @Test
    void ciphertextCopiedIntoAnotherLine_withAValidChecksum_isRefused() throws Exception {
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(0), entry(1)));
        }
        Path segment = Logs.segments(dir).get(0);
        List<String> lines = new ArrayList<>(Files.readAllLines(segment, StandardCharsets.UTF_8));
        int first = 1; // after the header
        String stolen = lines.get(first + 1).substring(lines.get(first + 1).indexOf("\"payload\":"));
        String forged = lines.get(first).substring(0, lines.get(first).indexOf("\"payload\":")) + stolen;
        byte[] object = ("{" + forged.substring(LineCodec.REST_OFFSET)).getBytes(StandardCharsets.UTF_8);
        byte[] framed = LineCodec.frameObject(object, object.length); // a valid checksum over the forged line
        lines.set(first, new String(framed, 0, framed.length - 1, StandardCharsets.UTF_8));
        Files.writeString(segment, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

        try (FileWalStorage storage = open(k1())) {
            assertTrue(storage.recoveryReport().clean(), "the checksum is valid: no damage to recovery");
            String message = assertThrows(WalPayloadException.class, () -> storage.read(1)).getMessage();
            assertTrue(message.contains("does not decrypt with key id 'k1': its authentication tag does not verify"),
                    message);
            assertEquals(payload(1), storage.read(2).orElseThrow().payload(), "the original stays readable");
        }
    }

    @Test
    void tornTail_ofAnEncryptedLog_isCutAsBefore() throws Exception {
        try (FileWalStorage storage = open(k1())) {
            storage.append(List.of(entry(0), entry(1), entry(2)));
        }
        Path last = Logs.lastSegment(dir);
        byte[] content = Logs.read(last);
        List<Integer> starts = Logs.lineStarts(content);
        int lastLine = starts.get(starts.size() - 1);
        byte[] torn = Arrays.copyOf(content, content.length - 30); // the last line, cut inside its ciphertext
        Logs.write(last, torn);

        try (FileWalStorage storage = open(k1())) {
            assertEquals(1, storage.recoveryReport().cuts().size(), storage.recoveryReport().toString());
            assertEquals(lastLine, storage.recoveryReport().cuts().get(0).offset());
            assertEquals(List.of(payload(0), payload(1)), payloads(storage));
            storage.append(List.of(entry(3)));
            assertEquals(List.of(payload(0), payload(1), payload(3)), payloads(storage));
        }
    }

    @Test
    void append_whoseCiphertextExceedsMaxEntryBytes_isRefusedBeforeWriting() {
        try (FileWalStorage storage = FileWalStorage.open(FileStorageConfig.builder(dir).maxEntryBytes(100)
                .payloadCodec(k1()).build())) {
            WalEntry fits = entry(0); // 63 bytes: fits as written, not once encrypted
            EntryTooLargeException e = assertThrows(EntryTooLargeException.class, () -> storage.append(List.of(fits)));
            assertEquals("Payload encoded by payload codec 'aes-gcm' is 144 bytes, over the maximum of 100 bytes "
                    + "(maxEntryBytes, which limits the stored form) for namespace 'accounts', operation 'debit'",
                    e.getMessage());
            assertEquals(0, storage.lastSeq());
        }
    }

    @Test
    void config_readsTheKeyFileNamedByProperty_andRefusesABadOneNamingIt() throws Exception {
        Path keys = dir.resolveSibling(dir.getFileName() + ".keys");
        Files.writeString(keys, "k1=" + Base64.getEncoder().encodeToString(K1) + "\n");
        Properties p = new Properties();
        p.setProperty("wal.dir", dir.toString());
        p.setProperty("wal.payload.key.file", keys.toString());
        FileStorageConfig config = FileStorageConfig.fromProperties(p);
        assertEquals("PayloadCodec{aes-gcm, current key 'k1', older keys []}",
                config.payloadCodec().orElseThrow().toString());
        assertEquals(keys, config.payloadKeyFile().orElseThrow());
        assertFalse(config.toString().contains(Base64.getEncoder().encodeToString(K1)), config.toString());
        try (FileWalStorage storage = FileWalStorage.open(config)) {
            storage.append(List.of(entry(0)));
        }
        try (FileWalStorage storage = open(k1())) {
            assertEquals(payload(0), storage.read(1).orElseThrow().payload());
        }
        Files.writeString(keys, "k1=" + Base64.getEncoder().encodeToString(new byte[8]) + "\n");
        String message = assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.fromProperties(p))
                .getMessage();
        assertEquals("payloadKeyFile, property wal.payload.key.file: payload key file " + keys + " line 1: "
                + "payload key 'k1' is 8 bytes (64 bits); an AES key for payloads is 16 or 32 bytes (128 or 256 bits)",
                message);
        assertTrue(FileStorageConfig.builder(dir).build().payloadCodec().isEmpty());
    }

    /** A codec that stores what it is told to, for the storage's checks on any codec. */
    private static final class FakeCodec implements PayloadCodec {
        private final String name;
        private final String stored;

        FakeCodec(String name, String stored) {
            this.name = name;
            this.stored = stored;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String encode(org.wal4j.spi.PayloadContext context, String payloadJson) {
            return stored;
        }

        @Override
        public String decode(org.wal4j.spi.PayloadContext context, String storedJson) {
            return "{\"decodedBy\":\"" + name + "\"}";
        }
    }

    @Test
    void payloadCodec_withANameTheLineCannotCarry_isRefusedAtBuild() {
        assertEquals("payloadCodec's name must match [A-Za-z0-9._-]{1,64} but was 'a\"b'",
                assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.builder(dir)
                        .payloadCodec(new FakeCodec("a\"b", "{}"))).getMessage());
    }

    @Test
    void append_whoseStoredFormWouldBreakTheLine_isRefusedBeforeWriting() {
        try (FileWalStorage storage = open(new FakeCodec("fake", "{\"x\":\n1}"))) {
            String message = assertThrows(IllegalArgumentException.class, () -> storage.append(List.of(entry(0))))
                    .getMessage();
            assertTrue(message.endsWith("cannot be framed as one line: byte 5 is a line feed"), message);
            assertEquals(0, storage.lastSeq());
        }
    }

    @Test
    void read_ofALineEncodedByAnotherCodec_isRefusedNamingBoth() {
        try (FileWalStorage storage = open(new FakeCodec("fake", "{\"opaque\":1}"))) {
            storage.append(List.of(entry(0)));
            assertEquals("{\"decodedBy\":\"fake\"}", storage.read(1).orElseThrow().payload());
        }
        try (FileWalStorage storage = open(k1())) {
            String message = assertThrows(WalPayloadException.class, () -> storage.read(1)).getMessage();
            assertTrue(message.endsWith(" holds a payload encoded by payload codec 'fake', but the log was opened with "
                    + "payload codec 'aes-gcm' only; give the payload keys (FileStorageConfig.Builder.payloadCodec, "
                    + "wal.payload.key.file, or wal --payload-key-file) to read it"), message);
        }
    }
}
