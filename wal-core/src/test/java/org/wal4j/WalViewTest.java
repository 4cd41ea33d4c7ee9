package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ScriptedSyncTarget;

/** {@code wal.as(user)}: one view carries the user into writes and administration; targets are added by their own name. */
class WalViewTest {
    private static final UserContext ALICE = UserContext.of("alice", "acme", "ops");
    private final Harness h = new Harness("primary");

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aView_writesAndAdministersAsItsUser_andEachCallIsAuditedWithIt() {
        h.target("primary").failPermanently(e -> true, "rejected");
        h.start();
        WalView alice = h.wal.as(ALICE);
        assertSame(ALICE, alice.user());
        assertSame(ALICE, alice.admin().user());
        assertEquals(UserContext.system(), h.wal.admin().user());

        WriteResult written = alice.write(WalEntry.builder("accounts", "debit").key("acct-1").payloadJson("{}"));
        h.settled(written.seq());
        WalEntry entry = h.storage.read(written.seq()).orElseThrow();
        assertEquals(List.of("alice", "acme"), List.of(entry.userId(), entry.tenantId()));
        assertEquals(1, alice.admin().deadLetters(DeadLetterFilter.all()).count());
        assertEquals(1, alice.admin().discard(DeadLetterFilter.all()));

        assertEquals(List.of(WalAction.WRITE + " alice", WalAction.READ_DEAD_LETTERS + " alice",
                WalAction.DISCARD + " alice"), h.audits.stream().map(a -> a.action() + " " + a.userId())
                .collect(Collectors.toList()));
    }

    @Test
    void anAdminOfAStoppedWal_refusesChanges_namingThem() {
        h.start();
        WalAdmin admin = h.wal.admin();
        h.wal.stop(Duration.ofSeconds(5));
        assertEquals("requeue needs a running Wal, but it is STOPPED", assertThrows(IllegalStateException.class,
                () -> admin.requeue(DeadLetterFilter.all())).getMessage());
        assertEquals("compact needs a running Wal, but it is STOPPED", assertThrows(IllegalStateException.class,
                admin::compact).getMessage());
    }

    @Test
    void aListenerIsAddedBeforeStart_orRefused() {
        Wal wal = Wal.builder(InMemoryWalStorage.create()).target(new ScriptedSyncTarget("primary", h.clock)).build();
        wal.addListener(event -> { });
        wal.start();
        assertEquals("a listener can be added only before start(), but the Wal is RUNNING: a listener added now would "
                + "miss the events of entries already under way; add it with Wal.Builder.listener, or wire it before "
                + "start()", assertThrows(IllegalStateException.class, () -> wal.addListener(event -> { })).getMessage());
        wal.stop(Duration.ofSeconds(5));
    }

    @Test
    void targetsAreAddedByTheirOwnName_aSecondOfTheSameNameIsRefused() {
        Wal.Builder builder = Wal.builder(InMemoryWalStorage.create()).target(new ScriptedSyncTarget("primary", h.clock));
        ScriptedSyncTarget twin = new ScriptedSyncTarget("primary", h.clock);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> builder.target(twin));
        assertEquals("target 'primary' is already added; each target needs a name of its own", refused.getMessage());
        assertEquals("target name must match [A-Za-z0-9._-]{1,64} but was 'Bad Name'", assertThrows(IllegalArgumentException.class,
                () -> builder.target(new ScriptedSyncTarget("Bad Name", h.clock))).getMessage());
        Wal wal = builder.build();
        assertEquals(List.of("primary"), wal.targets());
        wal.stop(Duration.ZERO);
    }
}
