package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.EntryApplied;
import org.wal4j.event.StorageFailed;
import org.wal4j.event.WalEvent;
import org.wal4j.spi.WalStorage;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ScriptedSyncTarget;

/** Backpressure, listener failures, storage failure. */
@Timeout(60)
class BackpressureAndFailureTest {
    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static WalEntry.Builder entry(String key) {
        return WalEntry.builder("accounts", "debit").key(key).payloadJson("\"0123456789\""); // 12 bytes
    }

    @Test
    void backpressure_blocksAWrite_thenFailsAfterTheTimeoutWithTheCounts() throws Exception {
        h.primary().down();
        h.configure(c -> c.maxUnfinishedEntries(3).writeTimeout(Duration.ofSeconds(5)));
        h.start();
        for (int i = 0; i < 3; i++) {
            h.write(entry("k" + i));
        }
        CompletableFuture<WriteResult> blocked = CompletableFuture.supplyAsync(() -> h.write(entry("k3")));
        Await.until(() -> h.wal.stats().unfinishedEntries() == 3 && !blocked.isDone() && writerWaits(),
                "the fourth write blocks");
        h.quiesce(); // the round that got there has ended before the clock moves
        h.clock.advance(Duration.ofSeconds(4));
        h.quiesce();
        assertTrue(!blocked.isDone(), "still waiting before the timeout");
        h.clock.advance(Duration.ofSeconds(1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(20, TimeUnit.SECONDS));
        WalFullException full = (WalFullException) e.getCause();
        assertEquals("Wal is full for target 'primary': 3 unfinished entries (limit 3) and 36 unfinished bytes "
                + "(limit 8589934592); a write of 1 entries and 12 bytes found no room within PT5S", full.getMessage());
        assertEquals(3, full.unfinishedEntries());
        assertEquals(3, full.maxUnfinishedEntries());
        assertEquals(36, full.unfinishedBytes());
        assertEquals(3, h.storage.lastSeq(), "nothing of the refused write was written");
    }

    private static boolean writerWaits() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getState() == Thread.State.TIMED_WAITING
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("reserve")));
    }

    @Test
    void backpressure_letsABlockedWriteThroughOnceRoomIsFreed() throws Exception {
        ScriptedSyncTarget target = h.primary().down();
        h.configure(c -> c.maxUnfinishedBytes(30).writeTimeout(Duration.ofMinutes(10)));
        h.start();
        h.write(entry("a"));
        h.write(entry("b"));
        CompletableFuture<WriteResult> blocked = CompletableFuture.supplyAsync(() -> h.write(entry("c")));
        Await.until(() -> !blocked.isDone() && writerWaits(), "the third write blocks on bytes");
        h.quiesce(); // every failed call is counted before the target comes back
        target.up();
        h.clock.advance(Duration.ofMinutes(1));
        assertEquals(3, blocked.get(20, TimeUnit.SECONDS).seq());
    }

    @Test
    void listenerThatThrows_isLogged_notPropagated_andOtherListenersStillHearEverything() throws IOException {
        List<WalEvent> heard = new CopyOnWriteArrayList<>();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            h.listeners.add(e -> {
                throw new IllegalStateException("listener boom");
            });
            h.listeners.add(heard::add);
            h.start();
            for (int i = 0; i < 3; i++) {
                h.write("accounts", "a");
            }
            Await.until(() -> heard.stream().filter(e -> e instanceof EntryApplied).count() == 3,
                    "the second listener hears every entry applied");
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("wal4j listener") && log.contains("threw on EntryApplied")
                && log.contains("java.lang.IllegalStateException: listener boom"), log);
        assertEquals(WalState.RUNNING, h.wal.state());
    }

    @Test
    void storageFailure_stopsAcceptanceOfWrites() {
        h.start();
        h.write("accounts", "a");
        h.settled(1);
        h.storage.poison(new IOException("No space left on device"));

        WalUnavailableException first = assertThrows(WalUnavailableException.class, () -> h.write("accounts", "a"));
        assertEquals("The in-memory log is poisoned by an earlier failure and refuses writes until reopened: "
                + "java.io.IOException: No space left on device", first.getMessage());
        assertEquals(WalState.FAILED, h.wal.state());
        WalUnavailableException later = assertThrows(WalUnavailableException.class, () -> h.write("accounts", "b"));
        assertEquals("The Wal refuses writes: the storage failed during append: " + first
                + "; reopen the storage and build a new Wal", later.getMessage());
        Await.until(() -> h.events(StorageFailed.class).size() == 1, "storage failure event");
        assertEquals("append", h.events(StorageFailed.class).get(0).operation());
        assertEquals(1, h.storage.lastSeq());

        h.storage = h.storage.reopen();
        h.start();
        assertEquals(2, h.write("accounts", "a").seq(), "a new Wal on the reopened storage accepts writes");
    }

    @Test
    void storageFailureWhileDraining_stopsTheWalToo() {
        ScriptedSyncTarget target = h.primary().down();
        h.start();
        h.write("accounts", "a");
        h.quiesce();
        h.storage.poison(new IOException("I/O error on fsync"));
        target.up();
        h.clock.advance(Duration.ofMinutes(1));
        Await.until(() -> h.wal.state() == WalState.FAILED, "the worker's status record fails");
        assertThrows(WalUnavailableException.class, () -> h.write("accounts", "b"));
    }

    @Test
    void writesBeforeStart_areRefused() {
        Wal wal = Wal.builder(h.storage).target(h.primary()).clock(h.clock).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> wal.write(WalEntry.builder("accounts", "debit")));
        assertEquals("The Wal is not started; call start() first", e.getMessage());
        assertEquals(0, h.storage.lastSeq());
        wal.stop(Duration.ZERO);
    }

    @Test
    void writeNamingAnUnknownTarget_isRefused() {
        h.start();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.write(WalEntry.builder("accounts", "debit").id("e-1").targets("replica")));
        assertEquals("entry e-1 names target 'replica', which this Wal does not have; targets are [primary]",
                e.getMessage());
        assertEquals(0, h.storage.lastSeq());
    }
    @Test
    void anOversizedPayload_isRefusedBeforeAnythingIsWritten_andTheWalStaysUsable() {
        h.storage = InMemoryWalStorage.withMaxEntryBytes(16);
        h.start();
        EntryTooLargeException e = assertThrows(EntryTooLargeException.class,
                () -> h.write(WalEntry.builder("accounts", "debit").payloadJson("\"0123456789abcdefghij\"")));
        assertEquals("Payload of 22 bytes exceeds the maximum of 16 bytes (maxEntryBytes) for namespace 'accounts', "
                + "operation 'debit'", e.getMessage());
        assertEquals(0, h.storage.lastSeq());
        assertEquals(0, h.wal.stats().unfinishedEntries(), "the reserved room was given back");
        assertEquals(1, h.write(entry("a")).seq());
        assertEquals(WalState.RUNNING, h.wal.state());
    }

    @Test
    void anAppendAnsweredWithNoResult_failsTheWriteAndTheWal_insteadOfLeavingItUnanswered() throws Exception {
        InMemoryWalStorage real = InMemoryWalStorage.create();
        WalStorage answersNull = (WalStorage) Proxy.newProxyInstance(WalStorage.class.getClassLoader(),
                new Class<?>[] {WalStorage.class}, (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return method.getName().equals("appendAsync")
                            ? ((CompletableFuture<?>) answer).thenApply(r -> null) : answer;
                });
        Wal wal = Wal.builder(answersNull).target(h.primary()).clock(h.clock).build();
        wal.start();
        try {
            CompletableFuture<WriteResult> write = wal.writeAsync(entry("a"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> write.get(20, TimeUnit.SECONDS));
            assertEquals("The log failed to append 1 entries: java.lang.IllegalStateException: the storage answered "
                    + "an append of 1 entries with no result", e.getCause().getMessage());
            assertEquals(WalState.FAILED, wal.state());
        } finally {
            wal.stop(Duration.ofSeconds(5));
        }
    }
}
