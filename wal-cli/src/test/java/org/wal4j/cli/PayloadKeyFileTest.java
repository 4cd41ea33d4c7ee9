package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.PayloadEncryption;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * {@code --payload-key-file} (issue 13, item 9): on a log whose payloads are encrypted at rest,
 * {@code wal dump} and {@code wal dlq list} show the ciphertext form without the key file and the
 * plaintext with it, in-process and in a child JVM; a bad key file is a usage error naming the
 * file, never the key; {@code dlq requeue} needs the keys to read the entries it changes.
 */
class PayloadKeyFileTest {
    private static final String MARKER = "DE44-SECRET-ACCOUNT-7731";
    private static final byte[] KEY = key();

    @TempDir
    Path dir;
    @TempDir
    Path keys;

    private final Cli cli = new Cli();
    private Path keyFile;

    private static byte[] key() {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 5);
        k[3] = 77;
        return k;
    }

    private static String payload(int i) {
        return "{\"account\":\"" + MARKER + "\",\"amount\":" + (10 * i) + "}";
    }

    @BeforeEach
    void encryptedLog() throws Exception {
        keyFile = keys.resolve("payload.keys");
        Files.writeString(keyFile, "# payload keys\nk1=" + Base64.getEncoder().encodeToString(KEY) + "\n");
        FileStorageConfig config = FileStorageConfig.builder(dir)
                .payloadCodec(PayloadEncryption.builder().currentKey("k1", KEY).build()).build();
        try (FileWalStorage storage = FileWalStorage.open(config)) {
            for (int i = 1; i <= 3; i++) {
                storage.append(List.of(WalEntry.builder("accounts", "debit").key("acct-" + i).targets("primary")
                        .payloadJson(payload(i)).build()));
            }
            storage.appendStatus(List.of(new StatusRecord(2, "primary", EntryStatus.DEAD, 3,
                    Instant.parse("2026-01-01T00:00:01Z"), "constraint violated")));
        }
    }

    private List<JsonNode> payloads(Cli.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.outLines()) {
            out.add(Json.MAPPER.readTree(line).get("payload"));
        }
        return out;
    }

    @Test
    void dump_withoutTheKeyFile_showsCiphertext_withItPlaintext() throws Exception {
        Cli.Result sealed = cli.run("dump", "--dir", dir.toString());
        assertFalse(sealed.out().contains(MARKER), sealed.out());
        for (JsonNode p : payloads(sealed)) {
            assertEquals("k1", p.get("kid").asText(), p.toString());
            assertTrue(p.has("iv") && p.has("ct"), p.toString());
        }

        Cli.Result open = cli.run("dump", "--dir", dir.toString(), "--payload-key-file", keyFile.toString());
        List<JsonNode> plain = payloads(open);
        assertEquals(3, plain.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(Json.MAPPER.readTree(payload(i + 1)), plain.get(i));
        }
    }

    @Test
    void dlqList_json_showsCiphertextOrPlaintext() throws Exception {
        Cli.Result sealed = cli.run("dlq", "list", "--dir", dir.toString(), "--json");
        assertEquals(0, sealed.exitCode(), sealed::toString);
        assertFalse(sealed.out().contains(MARKER), sealed.out());
        assertTrue(sealed.out().contains("\"kid\":\"k1\""), sealed.out());

        Cli.Result open = cli.run("dlq", "list", "--dir", dir.toString(), "--json", "--payload-key-file",
                keyFile.toString());
        assertEquals(0, open.exitCode(), open::toString);
        assertEquals(Json.MAPPER.readTree(payload(2)), Json.MAPPER.readTree(open.outLines().get(0)).get("entry")
                .get("payload"), open.out());
    }

    @Test
    void dump_withAWrongKey_failsNamingKeyIdAndEntry_notGarbage() throws Exception {
        byte[] other = key();
        other[0] = 1;
        Path wrong = keys.resolve("wrong.keys");
        Files.writeString(wrong, "k1=" + Base64.getEncoder().encodeToString(other) + "\n");
        Cli.Result r = cli.run("dump", "--dir", dir.toString(), "--payload-key-file", wrong.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().matches("wal dump: entry seq 1 \\(id [0-9a-f-]+, namespace accounts\\) in .* at offset \\d+: "
                + "payload of entry [0-9a-f-]+ \\(namespace accounts\\) does not decrypt with key id 'k1': .*\n"), r.err());
    }

    @Test
    void badKeyFile_isAUsageError_namingTheFileAndLine_neverTheKey() throws Exception {
        Path bad = keys.resolve("bad.keys");
        Files.writeString(bad, "k1=" + Base64.getEncoder().encodeToString(new byte[20]) + "\n");
        Cli.Result r = cli.run("dump", "--dir", dir.toString(), "--payload-key-file", bad.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("wal dump: --payload-key-file: payload key file " + bad + " line 1: payload key 'k1' is 20 bytes "
                + "(160 bits); an AES key for payloads is 16 or 32 bytes (128 or 256 bits) (see 'wal dump --help')\n",
                r.err());
    }

    @Test
    void help_saysKeysAreNeverOnTheCommandLine() {
        Cli.Result r = cli.run("dump", "--help");
        assertEquals(0, r.exitCode(), r::toString);
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--payload-key-file=FILE"), help);
        assertTrue(help.contains("Keys are only ever read from a file, never given on the command line"), help);
    }

    @Test
    void dlqRequeue_needsTheKeysToReadEncryptedEntries() {
        Cli.Result without = cli.run("dlq", "requeue", "--dir", dir.toString(), "--all");
        assertEquals(1, without.exitCode(), without::toString);
        assertTrue(without.err().contains("holds a payload encoded by payload codec 'aes-gcm' with key id 'k1', but "
                + "the log was opened without a payload codec"), without.err());

        Cli.Result with = cli.run("dlq", "requeue", "--dir", dir.toString(), "--all", "--payload-key-file",
                keyFile.toString());
        assertEquals(0, with.exitCode(), with::toString);
        assertEquals("requeued 1 dead letter as ops-user", with.outLines().get(with.outLines().size() - 1), with.out());
        assertEquals("0 dead letters", cli.run("dlq", "list", "--dir", dir.toString()).out().strip());
    }

    @Test
    void verifyStatusAndCompact_needNoKey_onAnEncryptedLog() {
        Cli.Result verify = cli.run("verify", "--dir", dir.toString());
        assertEquals(0, verify.exitCode(), verify::toString);
        Cli.Result status = cli.run("status", "--dir", dir.toString());
        assertEquals(0, status.exitCode(), status::toString);
        Cli.Result compact = cli.run("compact", "--dir", dir.toString(), "--retention", "30m");
        assertEquals(0, compact.exitCode(), compact::toString);
        assertEquals(3, payloadsOf(cli.run("dump", "--dir", dir.toString(), "--payload-key-file", keyFile.toString()))
                .size(), "compaction kept every unfinished entry, still readable");
    }

    private List<JsonNode> payloadsOf(Cli.Result r) throws RuntimeException {
        try {
            return payloads(r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dump_inAChildJvm_withAndWithoutTheKeyFile() throws Exception {
        String sealed = runChild("dump", "--dir", dir.toString());
        assertFalse(sealed.contains(MARKER), sealed);
        assertTrue(sealed.contains("\"kid\":\"k1\""), sealed);
        String open = runChild("dump", "--dir", dir.toString(), "--payload-key-file", keyFile.toString());
        assertEquals(3, open.split(MARKER, -1).length - 1, open);
    }

    private String runChild(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                WalCli.class.getName()));
        command.addAll(List.of(args));
        Path out = keys.resolve("child.out");
        Path err = keys.resolve("child.err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
