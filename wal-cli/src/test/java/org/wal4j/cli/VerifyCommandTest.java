package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.testing.TestEntries;

class VerifyCommandTest {
    private static final String SEGMENT = "00000000000000000001.wal";

    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    @Test
    void verify_cleanLog_exitsZero() {
        TestLogs.standard(dir);

        Cli.Result r = cli.run("verify", "--dir", dir.toString());

        assertEquals(0, r.exitCode(), r::toString);
        // 1 header, 10 entries, 9 + 1 + 1 status records, 2 checkpoints
        assertEquals(List.of("OK: 1 segments, 23 lines, 10 entries (seq 1..10) checked; 0 problems"), r.outLines());
        assertEquals("", r.err());
    }

    @Test
    void verify_flippedBit_reportsFileOffsetAndChecksums_andExitsOne() throws IOException {
        TestLogs.standard(dir);
        Path segment = dir.resolve(SEGMENT);
        byte[] bytes = Files.readAllBytes(segment);
        long lineOffset = lineStart(bytes, 3); // the line of entry seq 3 (line 0 is the header)
        int flipAt = (int) lineOffset + 40;
        String stored = new String(bytes, (int) lineOffset + 8, 8, StandardCharsets.US_ASCII);
        bytes[flipAt] ^= 0x04;
        Files.write(segment, bytes);
        String computed = crcOfRest(bytes, (int) lineOffset);

        Cli.Result r = cli.run("verify", "--dir", dir.toString());

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of(
                "FILE                      OFFSET  PROBLEM",
                SEGMENT + "  " + pad(lineOffset) + "  checksum mismatch: stored " + stored + ", computed " + computed,
                "",
                "FAILED: 1 segments, 23 lines, 9 entries (seq 1..10) checked; 1 problem"),
                r.outLines());
    }

    @Test
    void verify_json_listsProblems() throws Exception {
        TestLogs.standard(dir);
        Path segment = dir.resolve(SEGMENT);
        byte[] bytes = Files.readAllBytes(segment);
        long lineOffset = lineStart(bytes, 5);
        bytes[(int) lineOffset + 30] ^= 0x01;
        Files.write(segment, bytes);

        Cli.Result r = cli.run("verify", "--dir", dir.toString(), "--json");

        assertEquals(1, r.exitCode(), r::toString);
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(false, n.get("ok").asBoolean());
        assertEquals(1, n.get("problems").size());
        assertEquals(SEGMENT, n.get("problems").get(0).get("file").asText());
        assertEquals(lineOffset, n.get("problems").get(0).get("offset").asLong());
    }

    @Test
    void verify_seqGapAboveEveryCheckpoint_isAProblem() throws IOException {
        TestLogs.append(dir, TestEntries.batch(1, 5));
        Path segment = dir.resolve(SEGMENT);
        byte[] bytes = Files.readAllBytes(segment);
        long third = lineStart(bytes, 3);
        long fourth = lineStart(bytes, 4);
        byte[] cut = new byte[bytes.length - (int) (fourth - third)];
        System.arraycopy(bytes, 0, cut, 0, (int) third);
        System.arraycopy(bytes, (int) fourth, cut, (int) third, bytes.length - (int) fourth);
        Files.write(segment, cut);

        Cli.Result r = cli.run("verify", "--dir", dir.toString());

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(SEGMENT + "  " + pad(third) + "  seq 3 missing before this entry (in the segment being written, "
                + "which compaction never touches)", r.outLines().get(1));
    }

    @Test
    void verify_partialLastLine_isInFlightNotAProblem() throws IOException {
        TestLogs.append(dir, TestEntries.batch(1, 3));
        Files.write(dir.resolve(SEGMENT), "{\"crc\":\"0000".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);

        Cli.Result r = cli.run("verify", "--dir", dir.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(
                "note: 12 bytes after the last complete line of the last segment not checked: being written "
                        + "(or preallocated space)",
                "OK: 1 segments, 4 lines, 3 entries (seq 1..3) checked; 0 problems"), r.outLines());
    }

    /** Offset of line {@code n} (0: the header). */
    static long lineStart(byte[] bytes, int n) {
        int line = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (line == n) {
                return i;
            }
            if (bytes[i] == '\n') {
                line++;
            }
        }
        throw new IllegalArgumentException("no line " + n);
    }

    private static String crcOfRest(byte[] bytes, int lineStart) {
        int end = lineStart;
        while (bytes[end] != '\n') {
            end++;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, lineStart + 18, end - lineStart - 18);
        return String.format("%08x", crc.getValue());
    }

    private static String pad(long offset) {
        String s = Long.toString(offset);
        return " ".repeat(Math.max(0, "OFFSET".length() - s.length())) + s;
    }
}
