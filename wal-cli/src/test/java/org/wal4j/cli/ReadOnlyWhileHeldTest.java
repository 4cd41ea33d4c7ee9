package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.storage.file.RecoveryReport;

/**
 * The read-only commands while another process holds the log and keeps appending, applying,
 * checkpointing and compacting: they succeed and do not disturb it; the commands that need the
 * lock fail with one line naming that process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadOnlyWhileHeldTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();
    private Process app;
    private final BlockingQueue<String> appOutput = new LinkedBlockingQueue<>();

    private void startApplication() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        app = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AppendingApplication.class.getName(), dir.toString())
                .redirectError(dir.resolveSibling(dir.getFileName() + "-app.err").toFile())
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(app.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    appOutput.add(line);
                }
            } catch (IOException e) {
                appOutput.add("reader failed: " + e);
            }
        }, "app-output");
        reader.setDaemon(true);
        reader.start();
        assertEquals("ready", appOutput.poll(60, TimeUnit.SECONDS), "the application did not start");
    }

    @AfterEach
    void stopApplication() {
        if (app != null && app.isAlive()) {
            app.destroyForcibly();
        }
    }

    @Test
    void readOnlyCommandsWork_andWritingCommandsFailClearly_whileAnotherProcessAppends() throws Exception {
        startApplication();
        long pid = app.pid();
        String holder = "pid " + pid + " on host \\S+ since \\S+";

        for (int round = 0; round < 5; round++) {
            Cli.Result status = cli.run("status", "--dir", dir.toString());
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.outLines().get(1).matches("Writer {8}held by " + holder), status.outLines().get(1));

            JsonNode json = Json.MAPPER.readTree(cli.run("status", "--dir", dir.toString(), "--json").out());
            assertEquals(pid, json.get("writer").get("pid").asLong());
            assertTrue(json.get("writer").get("held").asBoolean());
            assertTrue(json.get("lastSeq").asLong() >= 20, json::toString);

            Cli.Result verify = cli.run("verify", "--dir", dir.toString());
            assertEquals(0, verify.exitCode(), verify::toString);

            Cli.Result dump = cli.run("dump", "--dir", dir.toString());
            assertEquals(0, dump.exitCode(), dump::toString);
            long previous = 0;
            for (String line : dump.outLines()) {
                long seq = Json.MAPPER.readTree(line).get("seq").asLong();
                assertTrue(seq > previous, "dump out of order: " + seq + " after " + previous);
                previous = seq;
            }

            Cli.Result dlq = cli.run("dlq", "list", "--dir", dir.toString(), "--json");
            assertEquals(0, dlq.exitCode(), dlq::toString);
            Thread.sleep(150);
        }

        Cli.Result compact = cli.run("compact", "--dir", dir.toString());
        assertEquals(1, compact.exitCode(), compact::toString);
        assertTrue(compact.err().matches("wal compact: the log in " + Pattern.quote(dir.toString()) + " is in use by "
                + holder + "; compaction needs the log to itself: stop the application first\n"), compact.err());
        assertEquals("", compact.out());

        Cli.Result sync = cli.run("sync", "--dir", dir.toString(), "--jdbc-url", "jdbc:h2:mem:unused");
        assertEquals(1, sync.exitCode(), sync::toString);
        assertTrue(sync.err().matches("wal sync: the log in " + Pattern.quote(dir.toString()) + " is in use by "
                + holder + "; sync needs the log to itself: stop the application first\n"), sync.err());

        app.getOutputStream().close();
        assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the application did not stop");
        assertEquals(0, app.exitValue(), () -> "application output: " + appOutput);
        String last = appOutput.poll(5, TimeUnit.SECONDS);
        assertTrue(last != null && last.startsWith("appended "), "application said: " + last + " " + appOutput);
        long appended = Long.parseLong(last.substring("appended ".length()));

        Cli.Result after = cli.run("status", "--dir", dir.toString());
        assertTrue(after.outLines().get(1).startsWith("Writer        not held (last held by pid " + pid + " "),
                after.outLines().get(1));

        // nothing the commands did shows in the log: no file of theirs, a clean reopen with every entry
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().matches("LOCK|MANIFEST|\\d{20}\\.wal")),
                    "unexpected files in " + dir);
        }
        try (FileWalStorage reopened = TestLogs.open(dir)) {
            RecoveryReport report = reopened.recoveryReport();
            assertTrue(report.clean(), report::toString);
            assertEquals(appended, reopened.lastSeq());
            assertEquals(List.of(), reopened.read(appended - 3, appended, 10).stream()
                    .filter(e -> e.seq() < appended - 3).toList());
        }
    }
}
