package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.testing.ManualClock;

/** Access policy, tenant isolation and the audit trail. */
@Timeout(60)
class AccessAndAuditTest {
    private static final UserContext ALICE = UserContext.of("alice", "acme", "accounts.write");
    private static final UserContext BOB = UserContext.of("bob", "globex", "orders.write");
    private static final UserContext CAROL = UserContext.of("carol", "globex", "accounts.write");

    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void startWithPolicy() {
        h.policy = AccessPolicy.byPermission()
                .grant("accounts.write", "accounts", "*", WalAction.WRITE, WalAction.REPLAY)
                .grant("orders.write", "orders", "*", WalAction.WRITE)
                .grant("ops", "*", "*", WalAction.READ_DEAD_LETTERS, WalAction.REQUEUE, WalAction.DISCARD,
                        WalAction.REAPPLY, WalAction.REPLAY)
                .build();
        h.start();
    }

    @Test
    void deniedWrite_throwsBeforeAnythingIsWritten_andIsAudited() {
        startWithPolicy();
        WalAccessDeniedException denied = assertThrows(WalAccessDeniedException.class,
                () -> h.wal.as(BOB).write(WalEntry.builder("accounts", "debit").key("acct-1")));
        assertEquals("Access denied: user 'bob' of tenant 'globex' may not WRITE operation 'debit' in namespace "
                + "'accounts'", denied.getMessage());
        assertEquals(0, h.storage.lastSeq(), "nothing written");

        AuditEvent audit = h.audits.get(h.audits.size() - 1);
        assertEquals(WalAction.WRITE, audit.action());
        assertFalse(audit.allowed());
        assertEquals("bob", audit.userId());
        assertEquals("globex", audit.tenantId());
        assertEquals("accounts", audit.namespace());
        assertEquals("debit", audit.operation());
        assertEquals(h.clock.instant(), audit.at());
    }

    @Test
    void writeForAnotherTenant_isDenied_andABatchWithOneDeniedEntryWritesNothing() {
        startWithPolicy();
        WalAccessDeniedException denied = assertThrows(WalAccessDeniedException.class,
                () -> h.wal.as(ALICE).write(WalEntry.builder("accounts", "debit").tenantId("globex")));
        assertEquals("Access denied: user 'alice' of tenant 'acme' may not write an entry of tenant 'globex'",
                denied.getMessage());
        assertThrows(WalAccessDeniedException.class, () -> h.wal.as(ALICE).writeBatch(List.of(
                WalEntry.builder("accounts", "debit"), WalEntry.builder("orders", "ship"))));
        assertEquals(0, h.storage.lastSeq());
    }

    @Test
    void allowedWrite_takesTheUsersTenantAndId_andIsAudited() {
        startWithPolicy();
        WriteResult r = h.wal.as(ALICE).write(WalEntry.builder("accounts", "debit").key("acct-1"));
        WalEntry written = h.storage.read(r.seq()).orElseThrow();
        assertEquals("acme", written.tenantId());
        assertEquals("alice", written.userId());
        AuditEvent audit = h.audits.get(h.audits.size() - 1);
        assertEquals(WalAction.WRITE, audit.action());
        assertTrue(audit.allowed());
        assertEquals(r.seq(), audit.seq());
        assertEquals(1, audit.count());
    }

    @Test
    void replay_neverReturnsAnotherTenantsEntries() {
        startWithPolicy();
        h.wal.as(ALICE).write(WalEntry.builder("accounts", "debit").key("a1"));
        h.wal.as(CAROL).write(WalEntry.builder("accounts", "credit").key("c1"));
        h.wal.as(ALICE).write(WalEntry.builder("accounts", "debit").key("a2"));
        h.wal.write(WalEntry.builder("accounts", "fee"));

        try (Stream<ReplayRecord> records = h.wal.as(ALICE).admin().replay(ReplayQuery.all())) {
            assertEquals(List.of(1L, 3L), records.map(r -> r.entry().seq()).collect(Collectors.toList()));
        }
        try (Stream<ReplayRecord> records = h.wal.as(CAROL).admin().replay(ReplayQuery.all())) {
            assertEquals(List.of(2L), records.map(r -> r.entry().seq()).collect(Collectors.toList()));
        }
        try (Stream<ReplayRecord> records = h.wal.admin().replay(ReplayQuery.all())) {
            assertEquals(4, records.count(), "the system context sees every tenant");
        }
        WalAccessDeniedException denied = assertThrows(WalAccessDeniedException.class,
                () -> h.wal.as(ALICE).admin().replay(ReplayQuery.builder().tenantId("globex").build()));
        assertEquals("Access denied: user 'alice' of tenant 'acme' may not REPLAY entries of tenant 'globex'",
                denied.getMessage());
        try (Stream<ReplayRecord> records = h.wal.as(BOB).admin().replay(ReplayQuery.all())) {
            assertEquals(0, records.count(), "bob may not replay accounts at all");
        }
        AuditEvent audit = h.audits.stream().filter(a -> a.action() == WalAction.REPLAY).findFirst().orElseThrow();
        assertEquals("alice", audit.userId());
        assertTrue(audit.allowed());
    }

    @Test
    void replay_filtersByEveryCriterion() {
        h.start();
        h.wal.write(WalEntry.builder("accounts", "debit").key("a").correlationId("saga-1"));
        h.clock.advance(Duration.ofMinutes(1));
        h.wal.write(WalEntry.builder("accounts", "credit").key("a").correlationId("saga-2"));
        h.wal.write(WalEntry.builder("orders", "ship").key("o"));
        h.settledAll(3);
        assertEquals(List.of(1L), seqs(ReplayQuery.builder().correlationId("saga-1").build()));
        assertEquals(List.of(2L), seqs(ReplayQuery.builder().operation("credit").build()));
        assertEquals(List.of(3L), seqs(ReplayQuery.builder().namespace("orders").build()));
        assertEquals(List.of(2L, 3L), seqs(ReplayQuery.builder()
                .createdBetween(ManualClock.atEpochOfTests().instant().plusSeconds(30), null).build()));
        assertEquals(List.of(1L, 2L, 3L), seqs(ReplayQuery.builder().target("primary")
                .statuses(EntryStatus.APPLIED).build()));
        assertEquals(List.of(), seqs(ReplayQuery.builder().statuses(EntryStatus.DEAD).build()));
    }

    private List<Long> seqs(ReplayQuery query) {
        try (Stream<ReplayRecord> records = h.wal.admin().replay(query)) {
            return records.map(r -> r.entry().seq()).collect(Collectors.toList());
        }
    }

    @Test
    void deadLetterListings_areTenantScoped_andRequeueDiscardReapplyAreAudited() {
        h.primary().failPermanently(e -> e.key().startsWith("bad"), "rejected");
        startWithPolicy();
        UserContext acmeOps = UserContext.of("olga", "acme", "ops");
        h.wal.as(ALICE).write(WalEntry.builder("accounts", "debit").key("bad-1"));
        h.wal.as(CAROL).write(WalEntry.builder("accounts", "debit").key("bad-2"));
        h.wal.as(ALICE).write(WalEntry.builder("accounts", "debit").key("bad-3"));
        h.settledAll(3);

        assertEquals(List.of(1L, 3L), h.wal.as(acmeOps).admin().deadLetters(DeadLetterFilter.all()).map(DeadLetter::seq)
                .collect(Collectors.toList()));
        assertEquals(List.of(), h.wal.as(ALICE).admin().deadLetters(DeadLetterFilter.all()).map(DeadLetter::seq)
                .collect(Collectors.toList()), "alice has no READ_DEAD_LETTERS grant");
        WalAccessDeniedException denied = assertThrows(WalAccessDeniedException.class,
                () -> h.wal.as(acmeOps).admin().requeue(2, "primary"));
        assertEquals("Access denied: user 'olga' of tenant 'acme' may not REQUEUE entry 2 of tenant 'globex'",
                denied.getMessage());

        h.primary().failPermanently(e -> false, "none");
        assertTrue(h.wal.as(acmeOps).admin().requeue(1, "primary"));
        assertTrue(h.wal.as(acmeOps).admin().discard(3, "primary"));
        h.settled(1);
        // acme's entries of the namespace, both finished: 1 applied, 3 discarded
        assertEquals(2, h.wal.as(acmeOps).admin().reapply(ReplayQuery.builder().namespace("accounts").build(), "primary"));
        h.settled(3);
        assertEquals(EntryStatus.APPLIED, h.status(3, "primary"));

        List<WalAction> actions = h.audits.stream().filter(a -> "olga".equals(a.userId()))
                .map(AuditEvent::action).collect(Collectors.toList());
        assertEquals(List.of(WalAction.READ_DEAD_LETTERS, WalAction.REQUEUE, WalAction.REQUEUE, WalAction.DISCARD,
                WalAction.REAPPLY), actions);
        AuditEvent requeue = h.audits.stream().filter(a -> a.action() == WalAction.REQUEUE && a.allowed())
                .findFirst().orElseThrow();
        assertEquals(1, requeue.seq());
        assertEquals("primary", requeue.target());
        assertEquals("acme", requeue.tenantId());
    }
}
