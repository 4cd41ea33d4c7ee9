package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad command line: one line on stderr, exit 2, nothing on stdout, no stack trace. */
class UsageErrorsTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    private void assertUsageError(String expectedErr, String... args) {
        Cli.Result r = cli.run(args);
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(expectedErr + "\n", r.err());
    }

    @Test
    void unknownSubcommand() {
        assertUsageError("wal: unknown subcommand 'frobnicate'; subcommands are status, verify, dump, compact, dlq, "
                + "sync, replay, load (see 'wal --help')", "frobnicate");
    }

    @Test
    void unknownDlqSubcommand() {
        assertUsageError("wal dlq: unknown subcommand 'purge'; subcommands are list, requeue, discard "
                + "(see 'wal dlq --help')", "dlq", "purge");
    }

    @Test
    void noSubcommand() {
        assertUsageError("wal: missing a subcommand; subcommands are status, verify, dump, compact, dlq, sync, "
                + "replay, load (see 'wal --help')");
    }

    @Test
    void missingDirOption() {
        assertUsageError("wal verify: Missing required option: '--dir=DIR' (see 'wal verify --help')", "verify");
        // the commands that also work on a Kafka log name both ways of giving one
        assertUsageError("wal status: no log given: --dir DIR for a file log, or --bootstrap-servers and --topic for "
                + "a Kafka log (see 'wal status --help')", "status");
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("nope");
        for (String command : new String[] {"status", "verify", "dump", "compact"}) {
            assertUsageError("wal " + command + ": --dir " + missing + ": no such directory (see 'wal " + command
                    + " --help')", command, "--dir", missing.toString());
        }
        assertUsageError("wal dlq list: --dir " + missing + ": no such directory (see 'wal dlq list --help')",
                "dlq", "list", "--dir", missing.toString());
    }

    @Test
    void directoryWithoutALog() {
        assertUsageError("wal status: --dir " + dir + ": not a wal4j log (no segment files *.wal in it) "
                + "(see 'wal status --help')", "status", "--dir", dir.toString());
    }

    @Test
    void malformedTime() {
        TestLogs.standard(dir);
        assertUsageError("wal dump: Invalid value for option '--from': 'yesterday' is not an ISO-8601 time such as "
                + "2026-01-31T12:00:00Z or 2026-01-31 (see 'wal dump --help')",
                "dump", "--dir", dir.toString(), "--from", "yesterday");
    }

    @Test
    void fromNotBeforeTo() {
        TestLogs.standard(dir);
        assertUsageError("wal dump: --from 2026-01-02T00:00:00Z must be before --to 2026-01-01T00:00:00Z "
                + "(see 'wal dump --help')", "dump", "--dir", dir.toString(), "--from", "2026-01-02", "--to",
                "2026-01-01");
    }

    @Test
    void unknownStatus() {
        TestLogs.standard(dir);
        assertUsageError("wal dump: Invalid value for option '--status' (STATUS): unknown status 'DONE'; statuses are "
                + "PENDING, RETRYING, APPLIED, DEAD, EXPIRED, DISCARDED, REJECTED (see 'wal dump --help')",
                "dump", "--dir", dir.toString(), "--status", "DONE");
    }

    @Test
    void malformedDuration() {
        TestLogs.standard(dir);
        assertUsageError("wal compact: Invalid value for option '--retention': 'a week' is not a duration such as "
                + "250ms, 30s, 5m, 2h, 7d or PT30S (see 'wal compact --help')",
                "compact", "--dir", dir.toString(), "--retention", "a week");
    }

    @Test
    void unknownOption() {
        assertUsageError("wal status: Unknown option: '--verbose' (see 'wal status --help')",
                "status", "--dir", dir.toString(), "--verbose");
    }

    @Test
    void invalidNamespace() {
        TestLogs.standard(dir);
        Cli.Result r = cli.run("dump", "--dir", dir.toString(), "--namespace", "bad namespace!");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("wal dump: --namespace: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void unknownSyncPolicy() {
        assertUsageError("wal load: Invalid value for option '--sync-policy': expected one of [ALWAYS, INTERVAL, NONE] "
                + "(case-insensitive) but was 'SOMETIMES' (see 'wal load --help')",
                "load", "--dir", dir.toString(), "--sync-policy", "SOMETIMES");
    }

    @Test
    void nonPositiveLimit() {
        TestLogs.standard(dir);
        assertUsageError("wal dump: --limit must be at least 1 but was 0 (see 'wal dump --help')",
                "dump", "--dir", dir.toString(), "--limit", "0");
    }

    @Test
    void help_exitsZeroAndPrintsUsage() {
        Cli.Result r = cli.run("status", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("Usage: wal status [-hV] [--json] [--segments] [--bootstrap-servers=HOST:PORT"),
                r.out());
        assertTrue(r.out().contains("A file log (--dir) or a Kafka log (--bootstrap-servers, --topic)."), r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
    }
}
