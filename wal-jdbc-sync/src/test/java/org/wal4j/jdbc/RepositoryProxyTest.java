package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.BreakerState;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.Lifecycle;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.testing.Await;

/**
 * The proxy {@link DurableRepository.Builder#build} returns, on a Wal over the file log and an in-memory
 * H2 target: the object methods, exceptions as the DAO threw them, lane keys, operations,
 * arguments that come back with their declared types, refusals before anything is written, and
 * how calls answer when the target is slow, down or never applies them.
 */
@Timeout(60)
class RepositoryProxyTest {
    @TempDir
    Path logDir;
    private MemoryRepository repository;

    enum Kind { GOLD, SILVER }

    /** A generic value: {@code Page<Trade>} must come back as a page of trades. */
    record Page<T>(List<T> items, int number) {
    }

    /** Serializes fine; its getter throws for one value. */
    static final class Exploding {
        private final String value;

        @JsonCreator
        Exploding(@JsonProperty("value") String value) {
            this.value = value;
        }

        public String getValue() {
            if (value.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            return value;
        }
    }

    /** Written fine; read back only when positive. */
    static final class Positive {
        private final int n;

        @JsonCreator
        Positive(@JsonProperty("n") int n) {
            this(n, true);
        }

        private Positive(int n, boolean check) {
            if (check && n <= 0) {
                throw new IllegalArgumentException("n must be positive but was " + n);
            }
            this.n = n;
        }

        /** A value that the JSON creator would refuse. */
        static Positive unchecked(int n) {
            return new Positive(n, false);
        }

        public int getN() {
            return n;
        }
    }

    interface Ledger {
        @Critical(namespace = "ledger")
        void record(@LaneKey long account, Map<String, List<BigDecimal>> amounts, Kind kind, byte[] blob, Page<Trade> page);

        @Critical(namespace = "ledger")
        void record(@LaneKey long account, Set<UUID> ids);

        @Critical(namespace = "ledger")
        String echo(@LaneKey UUID id, String text) throws IOException;

        @Critical(namespace = "ledger")
        CompletableFuture<String> echoLater(@LaneKey String key, String text);

        @Critical(namespace = "ledger", keyless = true)
        void reset();

        @Critical(namespace = "ledger")
        void byEnum(@LaneKey Kind kind);

        @Critical(namespace = "ledger")
        void byChar(@LaneKey char c);

        @Critical(namespace = "ledger")
        void byBigInteger(@LaneKey BigInteger n);

        @Critical(namespace = "ledger")
        void byString(@LaneKey String key);

        @Critical(namespace = "ledger")
        void explode(@LaneKey String key, Exploding value);

        @Critical(namespace = "ledger")
        void positive(@LaneKey String key, Positive value);

        String read(@LaneKey long account) throws IOException;

        int plain(String text);
    }

    /** Records the calls that reach it; {@link #hold()} makes applied calls wait for {@link #release()}. */
    static class RecordingLedger implements Ledger {
        final List<List<Object>> calls = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        private void called(String name, Object... args) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Object> call = new java.util.ArrayList<>();
            call.add(name);
            call.addAll(java.util.Arrays.asList(args));
            calls.add(call);
        }

        @Override
        public void record(long account, Map<String, List<BigDecimal>> amounts, Kind kind, byte[] blob, Page<Trade> page) {
            called("record", account, amounts, kind, blob, page);
        }

        @Override
        public void record(long account, Set<UUID> ids) {
            called("record", account, ids);
        }

        @Override
        public String echo(UUID id, String text) throws IOException {
            called("echo", id, text);
            if (text.equals("io")) {
                throw new IOException("cannot echo " + text);
            }
            if (text.equals("bad")) {
                throw new IllegalArgumentException("bad text");
            }
            return "echo " + text;
        }

        @Override
        public CompletableFuture<String> echoLater(String key, String text) {
            called("echoLater", key, text);
            return CompletableFuture.completedFuture("later " + text);
        }

        @Override
        public void reset() {
            called("reset");
        }

        @Override
        public void byEnum(Kind kind) {
            called("byEnum", kind);
        }

        @Override
        public void byChar(char c) {
            called("byChar", c);
        }

        @Override
        public void byBigInteger(BigInteger n) {
            called("byBigInteger", n);
        }

        @Override
        public void byString(String key) {
            called("byString", key);
        }

        @Override
        public void explode(String key, Exploding value) {
            called("explode", key, value);
        }

        @Override
        public void positive(String key, Positive value) {
            called("positive", key, value);
        }

        @Override
        public String read(long account) throws IOException {
            if (account < 0) {
                throw new IOException("cannot read account " + account);
            }
            calls.add(List.of("read", account));
            return "account " + account;
        }

        @Override
        public int plain(String text) {
            return text.length();
        }

        @Override
        public String toString() {
            return "RecordingLedger";
        }
    }

    private final RecordingLedger dao = new RecordingLedger();

    @AfterEach
    void close() {
        dao.release();
        if (repository != null) {
            repository.close();
        }
    }

    private Ledger wrap(java.util.function.UnaryOperator<RepositoryOptions.Builder> options) {
        repository = new MemoryRepository(logDir);
        return repository.wrap(Ledger.class, dao, options);
    }

    private Ledger wrap() {
        return wrap(o -> o.applyWait(Duration.ofSeconds(30)));
    }

    @Test
    void objectMethods_equalsIsIdentity_hashCodeIsTheIdentityHash_toStringDescribesTheRepository() {
        Ledger ledger = wrap();
        try (MemoryRepository second = new MemoryRepository(logDir.resolve("second"))) {
            Ledger other = second.wrap(Ledger.class, dao, o -> o);

            assertEquals(ledger, ledger);
            assertNotEquals(ledger, other);
            assertFalse(ledger.equals(dao));
            assertFalse(ledger.equals(null));
            assertEquals(System.identityHashCode(ledger), ledger.hashCode());
            assertEquals("DurableRepository{Ledger, targets=[primary], primary=primary, dao=RecordingLedger}",
                    ledger.toString());
            assertEquals(0, repository.lastSeq(), "nothing was written");
        }
    }

    @Test
    void passThroughMethods_runOnTheDao_andItsExceptionsComeOutAsThrown() throws IOException {
        Ledger ledger = wrap();

        assertEquals("account 7", ledger.read(7));
        assertEquals(5, ledger.plain("hello"));
        IOException checked = assertThrows(IOException.class, () -> ledger.read(-1));
        NullPointerException unchecked = assertThrows(NullPointerException.class, () -> ledger.plain(null));

        assertEquals("cannot read account -1", checked.getMessage());
        assertSame(NullPointerException.class, unchecked.getClass());
        assertEquals(0, repository.lastSeq(), "pass-through calls write nothing");
    }

    @Test
    void criticalCall_returnsTheDaosResult_andItsExceptionsComeOutAsThrown() throws Exception {
        Ledger ledger = wrap();
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

        assertEquals("echo hello", ledger.echo(id, "hello"));
        assertEquals("later there", ledger.echoLater("k", "there").get(30, TimeUnit.SECONDS));
        IOException checked = assertThrows(IOException.class, () -> ledger.echo(id, "io"));
        IllegalArgumentException unchecked = assertThrows(IllegalArgumentException.class, () -> ledger.echo(id, "bad"));

        assertEquals("cannot echo io", checked.getMessage());
        assertEquals("bad text", unchecked.getMessage());
        // the IOException is declared: a rejection; the IllegalArgumentException is not: a dead letter
        assertEquals(List.of(EntryStatus.APPLIED, EntryStatus.APPLIED, EntryStatus.REJECTED, EntryStatus.DEAD),
                entries().stream().map(r -> r.statusByTarget().get("primary")).collect(Collectors.toList()));
    }

    @Test
    void laneKeys_areTheArgumentsText_operationsNameInterfaceMethodAndParameterTypes() {
        Ledger ledger = wrap();
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

        ledger.record(42L, Set.of());
        ledger.byString("42");
        ledger.byEnum(Kind.GOLD);
        ledger.byChar('x');
        ledger.byBigInteger(new BigInteger("12345678901234567890"));
        ledger.reset();
        ledger.echoLater(id.toString(), "t").join();

        List<WalEntry> written = entries().stream().map(ReplayRecord::entry).collect(Collectors.toList());
        assertEquals(List.of("Ledger#record(long,Set)", "Ledger#byString(String)", "Ledger#byEnum(Kind)",
                "Ledger#byChar(char)", "Ledger#byBigInteger(BigInteger)", "Ledger#reset()",
                "Ledger#echoLater(String,String)"), written.stream().map(WalEntry::operation).collect(Collectors.toList()));
        assertEquals(java.util.Arrays.asList("42", "42", "GOLD", "x", "12345678901234567890", null, id.toString()),
                written.stream().map(WalEntry::key).collect(Collectors.toList()));
        assertTrue(written.stream().allMatch(e -> e.namespace().equals("ledger")));
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", "42"), Duration.ofSeconds(30)));
        assertTrue(((DaoCallApplier) repository.target.applierFor("Ledger#record(long,Set)")).warnedNoConnection(),
                "this DAO takes no connection from the target's data source: warned");
    }

    @Test
    void arguments_comeBackWithTheirDeclaredTypes_genericsAndScalesIncluded() {
        Ledger ledger = wrap();
        Map<String, List<BigDecimal>> amounts = new LinkedHashMap<>();
        amounts.put("a", List.of(new BigDecimal("1.10"), new BigDecimal("2.000")));
        amounts.put("b", List.of());
        byte[] blob = {0, 1, 2, (byte) 255};
        Page<Trade> page = new Page<>(List.of(new Trade("t-1", new BigDecimal("12.30"), 1)), 3);
        Set<UUID> ids = new LinkedHashSet<>(List.of(UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")));

        ledger.record(7L, amounts, Kind.SILVER, blob, page);
        ledger.record(8L, ids);
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", "7"), Duration.ofSeconds(30)));
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", "8"), Duration.ofSeconds(30)));

        List<Object> first = dao.calls.get(0);
        assertEquals(List.of("record", 7L, amounts, Kind.SILVER), first.subList(0, 4));
        assertArrayEquals(blob, (byte[]) first.get(4));
        assertEquals(page, first.get(5), "a Page of Trade records, BigDecimal scale kept");
        assertInstanceOf(Trade.class, ((Page<?>) first.get(5)).items().get(0));
        assertEquals(List.of("record", 8L, ids), dao.calls.get(1));
        assertEquals("[7,{\"a\":[1.10,2.000],\"b\":[]},\"SILVER\",\"AAEC/w==\",{\"items\":[{\"tradeId\":\"t-1\","
                + "\"amount\":12.30,\"sequence\":1}],\"number\":3}]", entries().get(0).entry().payload());
    }

    @Test
    void badArgumentsAndKeys_areRefusedBeforeAnythingIsWritten() {
        Ledger ledger = wrap();

        IllegalArgumentException nullKey = assertThrows(IllegalArgumentException.class, () -> ledger.byString(null));
        IllegalArgumentException longKey = assertThrows(IllegalArgumentException.class,
                () -> ledger.byString("k".repeat(513)));
        IllegalArgumentException unwritable = assertThrows(IllegalArgumentException.class,
                () -> ledger.explode("k", new Exploding("boom")));
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> ledger.positive("k", Positive.unchecked(-4)));

        assertEquals("Ledger.byString(String): lane key argument 0 (String) is null; nothing was written",
                nullKey.getMessage());
        assertEquals("Ledger.byString(String): lane key argument 0 (String) is not a valid key (key must be at most 512 "
                + "characters but was 513 characters: '" + "k".repeat(61) + "...'); nothing was written", longKey.getMessage());
        assertEquals("Ledger.explode(String, Exploding): argument 1 (RepositoryProxyTest$Exploding), a "
                + Exploding.class.getName() + ", cannot be written to JSON: boom; nothing was written", unwritable.getMessage());
        assertEquals("Ledger.positive(String, Positive): argument 1 (RepositoryProxyTest$Positive) cannot be read back "
                + "from JSON: Cannot construct instance of `" + Positive.class.getName() + "`, problem: n must be positive "
                + "but was -4; nothing was written", unreadable.getMessage());
        assertEquals(0, repository.lastSeq());
        ledger.explode("k", new Exploding("fine"));
        assertEquals(1, repository.lastSeq(), "the log stays usable");
    }

    @Test
    void valueCall_notAppliedWithinTheWait_throwsNotYetApplied_withTheEntry_andIsAppliedLater() throws Exception {
        Ledger ledger = wrap(o -> o.applyWait(Duration.ofMillis(300)));
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        dao.hold();

        NotYetAppliedException pending = assertThrows(NotYetAppliedException.class, () -> ledger.echo(id, "slow"));

        assertEquals("Ledger.echo(UUID, String): entry seq=1 id=" + pending.entryId() + " is durable in the log but not "
                + "applied yet: target 'primary' did not apply it within PT0.3S (status PENDING); it will still be applied, "
                + "in its lane's order, but this call does not return its result", pending.getMessage());
        assertEquals(1, pending.seq());
        assertEquals("primary", pending.target());
        assertEquals(EntryStatus.PENDING, pending.status());
        assertEquals(entries().get(0).entry().id(), pending.entryId());
        dao.release();
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", id.toString()), Duration.ofSeconds(30)));
        assertEquals(List.of(List.of("echo", id, "slow")), dao.calls);
    }

    @Test
    void futureCall_notAppliedWithinItsTimeout_completesWithNotYetApplied() {
        Ledger ledger = wrap(o -> o.applyWait(Duration.ofSeconds(30)).asyncResultTimeout(Duration.ofMillis(300)));
        dao.hold();

        CompletableFuture<String> later = ledger.echoLater("k", "t");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> later.get(30, TimeUnit.SECONDS));

        NotYetAppliedException pending = assertInstanceOf(NotYetAppliedException.class, failed.getCause());
        assertEquals("Ledger.echoLater(String, String): entry seq=1 id=" + pending.entryId() + " is durable in the log but "
                + "not applied yet: target 'primary' did not apply it within PT0.3S (status PENDING); it will still be "
                + "applied, in its lane's order, but this call does not return its result", pending.getMessage());
    }

    @Test
    void readYourWrites_flushesTheReadsLaneFirst() throws IOException {
        Ledger ledger = wrap(o -> o.applyWait(Duration.ofSeconds(30)).readYourWrites(Duration.ofSeconds(30)));
        dao.hold();
        ledger.record(42L, Set.of());
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return ledger.read(42);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> read.get(300, TimeUnit.MILLISECONDS),
                "the read of lane 42 waits for its write");
        dao.release();

        assertEquals("account 42", read.join());
        assertEquals("account 41", ledger.read(41));
        assertEquals(List.of(List.of("record", 42L, Set.of()), List.of("read", 42L), List.of("read", 41L)), dao.calls,
                "the write was applied before the read ran");
    }

    @Test
    void readYourWrites_whenTheLaneIsNotSettledInTime_refusesTheRead() {
        Ledger ledger = wrap(o -> o.applyWait(Duration.ofSeconds(30)).readYourWrites(Duration.ofMillis(300)));
        dao.hold();
        ledger.record(42L, Set.of());

        StaleReadException stale = assertThrows(StaleReadException.class, () -> ledger.read(42));

        assertEquals("Ledger.read(long): lane ledger/42 still has calls that target 'primary' has not applied after PT0.3S, "
                + "so the read did not run (it would not see them); they stay in the log and will be applied",
                stale.getMessage());
        assertEquals(List.of("ledger", "42", "primary", Duration.ofMillis(300)), List.of(stale.namespace(), stale.key(),
                stale.target(), stale.timeout()));
        assertEquals(List.of(), dao.calls, "the refused read did not reach the DAO");
    }

    @Test
    void voidWaitsForApply_returnsOnceApplied_andThrowsWhatTheDaoThrew() throws Exception {
        Ledger ledger = wrap(o -> o.applyWait(Duration.ofSeconds(30)).voidWaitsForApply(true));
        ledger.byString("k");
        assertEquals(List.of(List.of("byString", "k")), dao.calls, "applied when the call returned");

        repository.close();
        repository = null;
        RecordingLedger failing = new RecordingLedger() {
            @Override
            public void byString(String key) {
                throw new IllegalStateException("refused " + key);
            }
        };
        try (MemoryRepository other = new MemoryRepository(logDir.resolve("other"))) {
            Ledger proxy = other.wrap(Ledger.class, failing, o -> o.applyWait(Duration.ofSeconds(30))
                    .voidWaitsForApply(true));
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> proxy.byString("k"));
            assertEquals("refused k", thrown.getMessage());
        }
    }

    @Test
    void valueCall_whileTheTargetsBreakerIsOpen_doesNotWait() throws Exception {
        Ledger ledger = wrap(o -> o.applyWait(Duration.ofSeconds(30)));
        repository.down();
        ledger.byString("first");
        ledger.byString("second");
        Await.until(() -> repository.wal.stats().target("primary").breakerState() == BreakerState.OPEN, "breaker open");

        long start = System.nanoTime();
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        NotYetAppliedException pending = assertThrows(NotYetAppliedException.class, () -> ledger.echo(id, "x"));

        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "did not wait the 30 s");
        assertTrue(pending.getMessage().contains(": target 'primary' is unavailable (its circuit breaker is open), so the "
                + "call did not wait for it (status "), pending.getMessage());
        repository.up();
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", "first"), Duration.ofSeconds(30)));
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", "second"), Duration.ofSeconds(30)));
        assertTrue(repository.wal.flushLane(LaneId.of("ledger", id.toString()), Duration.ofSeconds(30)));
        assertEquals(Set.of(List.of("byString", "first"), List.of("byString", "second"), List.of("echo", id, "x")),
                Set.copyOf(dao.calls), "every call was applied once the database was back");
    }

    @Test
    void valueCall_thatExpiresUnapplied_throwsEntryNotApplied() {
        repository = new MemoryRepository(logDir, TestWals.config().toBuilder().namespaceLifecycle("ledger",
                Lifecycle.builder().initialDelay(Duration.ofSeconds(5)).ttl(Duration.ofMillis(1)).build()).build());
        Ledger ledger = repository.wrap(Ledger.class, dao, o -> o.applyWait(Duration.ofSeconds(30)));

        EntryNotAppliedException expired = assertThrows(EntryNotAppliedException.class,
                () -> ledger.echo(UUID.randomUUID(), "too late"));

        assertEquals("Ledger.echo(UUID, String): entry seq=1 id=" + expired.entryId() + " was not applied by target "
                + "'primary': it expired (its time to live passed) and will not be applied", expired.getMessage());
        assertEquals(EntryStatus.EXPIRED, expired.status());
        assertNull(expired.reason());
        assertTrue(dao.calls.isEmpty());
    }

    @Test
    void aFutureTheDaoLeavesIncomplete_failsTheCall_sinceItsWorkRanOutsideTheTransaction() {
        RecordingLedger detached = new RecordingLedger() {
            @Override
            public CompletableFuture<String> echoLater(String key, String text) {
                return new CompletableFuture<>();
            }
        };
        repository = new MemoryRepository(logDir);
        Ledger ledger = repository.wrap(Ledger.class, detached, o -> o.applyWait(Duration.ofSeconds(30)));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> ledger.echoLater("k", "t").get(30, TimeUnit.SECONDS));

        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals("Ledger.echoLater(String, String) returned a future that was not complete when the method returned: "
                + "its work ran on another thread, outside the apply transaction; a critical method must do its work on the "
                + "calling thread and return a completed future", failed.getCause().getMessage());
        assertEquals(EntryStatus.DEAD, entries().get(0).statusByTarget().get("primary"));
    }

    private List<ReplayRecord> entries() {
        try (Stream<ReplayRecord> records = repository.wal.admin().replay(ReplayQuery.all())) {
            return records.collect(Collectors.toList());
        }
    }
}
