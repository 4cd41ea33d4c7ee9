package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Wal;
import org.wal4j.WalState;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * {@link DurableRepository#rebind}: what it refuses (naming the problem, changing nothing), and
 * that after a stop and a rebind the same proxy writes to the new Wal, its read-your-writes
 * flushes the new Wal's lanes, and its value calls get their results from it.
 * {@link DiskFullRebindTest} runs it after a real full disk.
 */
@Timeout(60)
class RepositoryRebindTest {
    @TempDir
    Path logDir;
    @TempDir
    Path otherDir;
    private MemoryRepository repository;
    private Wal next;

    interface Ledger {
        @Critical(namespace = "ledger")
        void add(@LaneKey String account, String line);

        @Critical(namespace = "ledger")
        int addCounted(@LaneKey String account, String line);

        List<String> lines(@LaneKey String account);
    }

    /** Keeps lines in memory; H2 is not needed to show which Wal a call went through. */
    static final class MemoryLedger implements Ledger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void add(String account, String line) {
            lines.add(account + ":" + line);
        }

        @Override
        public int addCounted(String account, String line) {
            add(account, line);
            return lines.size();
        }

        @Override
        public List<String> lines(String account) {
            return List.copyOf(lines);
        }
    }

    @BeforeEach
    void open() {
        repository = new MemoryRepository(logDir);
    }

    @AfterEach
    void close() {
        repository.close();
        if (next != null) {
            next.stop(Duration.ofSeconds(5));
        }
    }

    private Wal walOn(Path dir, JdbcSyncTarget... targets) {
        Wal.Builder builder = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(dir)))
                .config(TestWals.config());
        for (JdbcSyncTarget target : targets) {
            builder.target(target);
        }
        return builder.build();
    }

    @Test
    void rebind_afterStop_theSameProxyWritesToTheNewWal_readsItsLanes_andGetsItsResults() {
        MemoryLedger dao = new MemoryLedger();
        Ledger ledger = repository.wrap(Ledger.class, dao, o -> o.readYourWrites(Duration.ofSeconds(10)));
        ledger.add("a", "1");
        repository.wal.stop(Duration.ofSeconds(5));
        next = walOn(logDir, repository.target);

        DurableRepository.rebind(ledger, next);
        next.start();
        ledger.add("a", "2");

        assertEquals(List.of("a:1", "a:2"), ledger.lines("a"), "read-your-writes flushed the new Wal's lane");
        assertEquals(3, ledger.addCounted("a", "3"), "the value came from the new Wal's apply");
        assertEquals(3, next.stats().lastSeq(), "the new Wal holds the log: the first call and the two new ones");
    }

    @Test
    void rebind_whileTheWalRuns_isRefused_andTheProxyKeepsWriting() {
        MemoryLedger dao = new MemoryLedger();
        Ledger ledger = repository.wrap(Ledger.class, dao, o -> o);
        next = walOn(otherDir, repository.target);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> DurableRepository.rebind(ledger, next));

        assertEquals("the DurableRepository of " + Ledger.class.getName() + " can be rebound only once its Wal is "
                + "STOPPED, but it is RUNNING: call stop(timeout) on " + repository.wal + " first (a FAILED Wal still "
                + "holds the log's directory and its workers may still be applying)", refused.getMessage());
        assertEquals(1, ledger.addCounted("a", "1"), "still on the first Wal");
        assertEquals(1, repository.lastSeq());
    }

    @Test
    void rebind_refusesAStartedWal_aWalWithoutTheTarget_theSameWal_andWhatIsNotARepository() {
        Ledger ledger = repository.wrap(Ledger.class, new MemoryLedger(), o -> o);
        assertEquals("the DurableRepository of " + Ledger.class.getName() + " is already bound to " + repository.wal,
                assertThrows(IllegalArgumentException.class, () -> DurableRepository.rebind(ledger, repository.wal))
                        .getMessage());
        repository.wal.stop(Duration.ofSeconds(5));

        JdbcSyncTarget stranger = JdbcSyncTarget.builder("replica", repository.dataSource).build();
        next = walOn(otherDir, stranger);
        assertEquals("the DurableRepository of " + Ledger.class.getName() + " applies on targets [primary], but the new "
                + "Wal has no target [primary] (it has [replica]); build it with the same JdbcSyncTarget objects",
                assertThrows(IllegalArgumentException.class, () -> DurableRepository.rebind(ledger, next)).getMessage());
        next.stop(Duration.ofSeconds(5));

        next = walOn(logDir, repository.target).start();
        assertEquals("the DurableRepository of " + Ledger.class.getName() + " must be rebound before the new Wal starts, "
                + "but it is RUNNING: rebind between Wal.Builder.build() and Wal.start()",
                assertThrows(IllegalStateException.class, () -> DurableRepository.rebind(ledger, next)).getMessage());

        assertEquals("java.lang.String is not a DurableRepository proxy: rebind takes what DurableRepository.Builder.build "
                + "returned", assertThrows(IllegalArgumentException.class, () -> DurableRepository.rebind("ledger", next))
                        .getMessage());
        Ledger other = (Ledger) java.lang.reflect.Proxy.newProxyInstance(Ledger.class.getClassLoader(),
                new Class<?>[] {Ledger.class}, (p, m, a) -> null);
        assertThrows(IllegalArgumentException.class, () -> DurableRepository.rebind(other, next));
        assertEquals(WalState.RUNNING, next.state());
    }

    /**
     * A ledger whose {@code add} of line "hang" enters and then waits for {@link #release},
     * ignoring interrupts, as a database call stuck in a socket read does.
     */
    static final class HangingLedger implements Ledger {
        final MemoryLedger lines = new MemoryLedger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void add(String account, String line) {
            if (line.equals("hang")) {
                entered.countDown();
                boolean interrupted = false;
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true; // a hung socket read does not end on an interrupt either
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            lines.add(account, line);
        }

        @Override
        public int addCounted(String account, String line) {
            add(account, line);
            return lines.lines.size();
        }

        @Override
        public List<String> lines(String account) {
            return lines.lines(account);
        }
    }

    @Test
    void rebind_whileAnApplyOfTheStoppedWalStillHangs_isRefused_thenAllowedOnceItReturned() throws Exception {
        HangingLedger dao = new HangingLedger();
        Ledger ledger = repository.wrap(Ledger.class, dao, o -> o);
        ledger.add("a", "hang");
        assertTrue(dao.entered.await(10, TimeUnit.SECONDS), "the apply started");
        assertFalse(repository.wal.stop(Duration.ofMillis(200)), "stop gave up on the hung apply");
        assertEquals(WalState.STOPPED, repository.wal.state());
        next = walOn(logDir, repository.target);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> DurableRepository.rebind(ledger, next));

        assertEquals("the DurableRepository of " + Ledger.class.getName() + " cannot be rebound yet: its Wal "
                + repository.wal + " is STOPPED, but calls of its targets' apply are still under way (target=calls: "
                + "{primary=1}), left behind by a stop(timeout) that returned false or abandoned at targetCallTimeout, "
                + "typically stuck in a database call. A new Wal would apply beside them: the applied keys prevent a "
                + "second effect, not the lanes' order. End the stuck call (kill its database session, or let the "
                + "driver's timeout end it), then call rebind again; nothing was changed", refused.getMessage());
        assertEquals(WalState.NEW, next.state());

        dao.release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (repository.target.appliesInProgress() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        DurableRepository.rebind(ledger, next);
        next.start();
        ledger.add("a", "after");
        next.awaitAllApplied(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);

        assertEquals(List.of("a:hang", "a:after"), dao.lines.lines, "the hung call committed once, then the new call");
    }
}
