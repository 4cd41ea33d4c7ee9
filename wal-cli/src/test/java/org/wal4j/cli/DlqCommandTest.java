package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.AuditEvent;
import org.wal4j.EntryStatus;
import org.wal4j.WalAction;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.testing.TestEntries;

class DlqCommandTest {
    private static final Instant DEAD_AT = Instant.parse("2026-01-01T00:00:02Z");

    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    /** Seqs 1..6 for primary and replica; dead: 2 and 5 for primary, 5 for replica; the rest applied. */
    @BeforeEach
    void deadLetters() {
        try (FileWalStorage storage = TestLogs.open(dir)) {
            for (int i = 1; i <= 6; i++) {
                storage.append(List.of(TestEntries.entry(i, "primary", "replica")));
            }
            for (long seq = 1; seq <= 6; seq++) {
                for (String target : List.of("primary", "replica")) {
                    boolean dead = (seq == 2 || seq == 5) && (target.equals("primary") || seq == 5);
                    storage.appendStatus(List.of(dead
                            ? new StatusRecord(seq, target, EntryStatus.DEAD, 4, DEAD_AT, "unique constraint " + seq)
                            : StatusRecord.of(seq, target, EntryStatus.APPLIED, 1, DEAD_AT)));
                }
            }
        }
    }

    @Test
    void list_printsATableOfDeadLetters() {
        Cli.Result r = cli.run("dlq", "list", "--dir", dir.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(
                "SEQ  TARGET   NAMESPACE  KEY        OPERATION  ATTEMPTS  DEAD AT               REASON",
                "  2  primary  orders     account-2  debit             4  2026-01-01T00:00:02Z  unique constraint 2",
                "  5  primary  orders     account-5  debit             4  2026-01-01T00:00:02Z  unique constraint 5",
                "  5  replica  orders     account-5  debit             4  2026-01-01T00:00:02Z  unique constraint 5",
                "3 dead letters"), r.outLines());
    }

    @Test
    void list_filters_andJson() throws Exception {
        Cli.Result r = cli.run("dlq", "list", "--dir", dir.toString(), "--target", "primary", "--json");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(2, r.outLines().size());
        JsonNode first = Json.MAPPER.readTree(r.outLines().get(0));
        assertEquals("primary", first.get("target").asText());
        assertEquals(4, first.get("attempts").asInt());
        assertEquals("2026-01-01T00:00:02Z", first.get("deadAt").asText());
        assertEquals("unique constraint 2", first.get("reason").asText());
        assertEquals(2, first.get("entry").get("seq").asLong());
        assertEquals(20, first.get("entry").get("payload").get("amount").asInt());

        assertEquals(List.of("  5  replica  orders     account-5  debit             4  2026-01-01T00:00:02Z  "
                + "unique constraint 5"), cli.run("dlq", "list", "--dir", dir.toString(), "--seq", "5", "--reason",
                "constraint 5", "--target", "replica").outLines().subList(1, 2));
        assertEquals("0 dead letters", cli.run("dlq", "list", "--dir", dir.toString(), "--namespace", "billing")
                .outLines().get(0));
    }

    @Test
    void requeue_makesPendingWithAttemptsReset_recordsWhoInTheLog_andAudits() {
        Cli.Result r = cli.run("dlq", "requeue", "--dir", dir.toString(), "--seq", "5", "--user", "alice");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("requeued 2 dead letters as alice", r.outLines().get(r.outLines().size() - 1));
        try (FileWalStorage storage = TestLogs.open(dir)) {
            assertEquals(Optional.of(EntryStatus.PENDING), storage.status(5, "primary"));
            assertEquals(Optional.of(EntryStatus.PENDING), storage.status(5, "replica"));
            assertEquals(Optional.of(EntryStatus.DEAD), storage.status(2, "primary"));
            TrackedEntry requeued = storage.unfinished("primary", 0, 10).get(0);
            assertEquals(5, requeued.entry().seq());
            assertEquals(0, requeued.attempts());
            assertEquals("requeued by alice", requeued.reason());
            assertEquals(Cli.NOW, requeued.lastChangeAt());
        }
        assertEquals(2, cli.audit.size());
        AuditEvent e = cli.audit.get(0);
        assertEquals(WalAction.REQUEUE, e.action());
        assertEquals("alice", e.userId());
        assertEquals(5, e.seq());
        assertEquals("primary", e.target());
        assertEquals(1, e.count());
        assertEquals(Cli.NOW, e.at());
        assertEquals("wal dlq requeue: was DEAD after 4 attempts: unique constraint 5", e.detail());
        assertTrue(e.allowed());
    }

    @Test
    void discard_marksDiscarded_asTheOsUserByDefault_andAudits() throws Exception {
        Cli.Result r = cli.run("dlq", "discard", "--dir", dir.toString(), "--target", "primary", "--json");

        assertEquals(0, r.exitCode(), r::toString);
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals("discard", n.get("action").asText());
        assertEquals("ops-user", n.get("user").asText());
        assertEquals(2, n.get("count").asInt());
        try (FileWalStorage storage = TestLogs.open(dir)) {
            assertEquals(Optional.of(EntryStatus.DISCARDED), storage.status(2, "primary"));
            assertEquals(Optional.of(EntryStatus.DISCARDED), storage.status(5, "primary"));
            assertEquals(Optional.of(EntryStatus.DEAD), storage.status(5, "replica"));
        }
        assertEquals(List.of(WalAction.DISCARD, WalAction.DISCARD), cli.audit.stream().map(AuditEvent::action).toList());
        assertEquals("ops-user", cli.audit.get(1).userId());
    }

    @Test
    void requeue_withoutFilter_needsAll() {
        Cli.Result r = cli.run("dlq", "requeue", "--dir", dir.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("wal dlq requeue: no filter given; to requeue every dead letter, pass --all "
                + "(see 'wal dlq requeue --help')\n", r.err());

        Cli.Result all = cli.run("dlq", "requeue", "--dir", dir.toString(), "--all");
        assertEquals(0, all.exitCode(), all::toString);
        assertEquals("requeued 3 dead letters as ops-user", all.outLines().get(all.outLines().size() - 1));
    }

    @Test
    void requeue_ofASeqThatIsNotADeadLetter_changesNothingAndExitsOne() {
        Cli.Result r = cli.run("dlq", "requeue", "--dir", dir.toString(), "--seq", "2,3");

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("wal dlq requeue: entry 3 is not a dead letter matching the filters; nothing was requeued\n",
                r.err());
        assertEquals(List.of(), cli.audit);
        try (FileWalStorage storage = TestLogs.open(dir)) {
            assertEquals(Optional.of(EntryStatus.DEAD), storage.status(2, "primary"));
        }
    }

    @SuppressWarnings("try") // the storage is opened only for the lock it holds; the body never uses it
    @Test
    void requeue_whileTheLogIsHeld_failsNamingTheHolder() {
        try (FileWalStorage held = TestLogs.open(dir)) {
            Cli.Result r = cli.run("dlq", "requeue", "--dir", dir.toString(), "--all");

            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().matches("wal dlq requeue: the log in " + java.util.regex.Pattern.quote(dir.toString())
                    + " is in use by pid " + ProcessHandle.current().pid() + " on host \\S+ since \\S+; "
                    + "dlq requeue needs the log to itself: stop the application first\n"), r.err());
        }
    }
}
