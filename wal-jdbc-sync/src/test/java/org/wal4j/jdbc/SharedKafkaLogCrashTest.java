package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.wal4j.LaneId;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.AccountsModel;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.TradeRow;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.storage.kafka.SharedKafkaWalStorage;
import org.wal4j.storage.kafka.TestCluster;

/**
 * Several application instances, each a child JVM ({@link SharedLogApplication}), share one Kafka
 * log (consumer group assignment: each topic partition applied by one instance at a time) and one
 * PostgreSQL database, and write the same lanes through {@link DurableRepository}. One instance is
 * killed with SIGKILL while it has an apply transaction open, one broker of the three is stopped
 * while the others keep writing; another instance is stopped with SIGSTOP while it owns partitions
 * and resumed after its partitions moved. Afterwards the database must hold every acknowledged call
 * exactly once, each account's trades in the log's order (the order the brokers acknowledged,
 * which keeps each caller's acknowledged order), with balances that add up; the dead instance's
 * partitions must be taken over within the session timeout plus a margin.
 *
 * <p>One Kafka cluster (3 brokers) and one PostgreSQL per class; the SIGSTOP test runs first, as the
 * kill test leaves a broker stopped (a topic of replication factor 3 cannot be created then). {@value #DEFAULT_KILLS} kill in the
 * default suite; {@value #STRESS_KILLS} with {@code -Pstress} (each kill followed by a replacement
 * instance joining), {@code -Dwal4j.sharedcrash.kills=N} overrides both.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the broker stopped by the kill test stays stopped
class SharedKafkaLogCrashTest {
    private static final int PARTITIONS = 6;
    /** The accounts every instance writes: three lanes in each partition. */
    private static final List<String> ACCOUNTS = accounts(3);
    private static final int WRITERS = 2;
    private static final long SESSION_TIMEOUT_MS = Long.parseLong(SharedLogApplication.SESSION_TIMEOUT_MS);
    /** The takeover may take the session timeout plus this: the rebalance, the claim and a loaded machine. */
    private static final long TAKEOVER_MARGIN_MS = 8_000;
    private static final long WAIT_MS = 90_000;
    static final int DEFAULT_KILLS = 1;
    static final int STRESS_KILLS = 4;
    private static final Pattern TRADE_ID = Pattern.compile("\"tradeId\":\"([^\"]+)\"");

    private static TestCluster cluster;

    /** The children's stderr and thread dumps, kept after the run (under the module's target/). */
    private final Path work = Path.of("target", "shared-log-crash", Long.toString(System.currentTimeMillis()));
    private final List<SharedLogChild> children = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void endChildren() throws InterruptedException {
        for (SharedLogChild c : children) {
            c.process.destroyForcibly();
            c.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void threeInstances_oneKilledMidApply_oneBrokerStopped_everyAcknowledgedCallAppliedOnce_inLaneOrder()
            throws Exception {
        int kills = Integer.getInteger("wal4j.sharedcrash.kills", Boolean.getBoolean("wal4j.stress") ? STRESS_KILLS
                : DEFAULT_KILLS);
        TestDatabase db = database("sharedcrash");
        String topic = TestCluster.newTopic("shared-crash");
        AccountsModel model = new AccountsModel();
        long started = System.nanoTime();
        try (SharedKafkaWalStorage log = openLog(topic)) {
            int next = 0;
            for (; next < 3; next++) {
                start(db, topic, "i" + next, model);
            }
            awaitAll("three instances share the partitions, each with 30 calls acknowledged", () -> sharing(3)
                    && alive().stream().allMatch(c -> c.acks.get() >= 30));
            List<Long> takeovers = new ArrayList<>();
            int killedMidTransaction = 0;
            boolean brokerStopped = false;
            for (int round = 0; round < kills; round++) {
                SharedLogChild victim = alive().get(0);
                Set<Integer> victimPartitions = victim.owned();
                SharedLogChild.Kill kill = victim.killOnNextMid();
                awaitAll("instance " + victim.instance + " killed with an apply transaction open", kill::done);
                if (!tradeExists(db, kill.tradeId)) {
                    killedMidTransaction++;
                }
                List<SharedLogChild> survivors = alive();
                awaitAll("the survivors own every partition, the dead one's " + victimPartitions + " included",
                        () -> union(survivors).size() == PARTITIONS);
                long ownedAt = survivors.stream().mapToLong(c -> c.lastOwnedChangeAt(victimPartitions)).max().orElseThrow();
                long takeover = ownedAt - kill.atMillis;
                assertTrue(takeover > 0, "the survivors took " + victimPartitions + " over " + takeover + " ms after the kill");
                takeovers.add(takeover);
                long appliedAt = awaitFirstApplied(db, survivors, victimPartitions, kill.atMillis);
                System.out.printf("[wal4j-test] shared log: %s killed (SIGKILL) with trade %s's apply transaction open "
                                + "(%d open); its partitions %s owned by the survivors after %d ms, applied again after %d ms%n",
                        victim.instance, kill.tradeId, kill.open, victimPartitions, takeover, appliedAt - kill.atMillis);
                assertTrue(takeover <= SESSION_TIMEOUT_MS + TAKEOVER_MARGIN_MS, "the dead instance's partitions "
                        + victimPartitions + " were taken over after " + takeover + " ms; the session timeout is "
                        + SESSION_TIMEOUT_MS + " ms");
                if (!brokerStopped) {
                    brokerStopped = true;
                    stopBrokerUnderLoad(survivors);
                }
                if (round + 1 < kills) {
                    start(db, topic, "i" + next++, model);
                    awaitAll("the replacement joins and gets partitions", () -> sharing(alive().size()));
                }
            }
            List<SharedLogChild> survivors = alive();
            int acked = model.acknowledgedCount();
            awaitAll("the survivors acknowledge 50 calls more", () -> model.acknowledgedCount() >= acked + 50);
            Verified v = finishAndVerify(db, log, model, survivors);
            System.out.printf("[wal4j-test] shared log on Kafka, %d instances (child JVMs), %d SIGKILL mid-apply (%d with "
                            + "the killed transaction's trade absent), 1 broker of 3 stopped under load: %d calls acknowledged, "
                            + "%d applied (%d trade rows), lost 0, duplicates 0, %d unacknowledged applied, %d unacknowledged "
                            + "absent, lane order = log order, balances add up; takeover %s ms (session timeout %d ms); %d ms%n",
                    next, kills, killedMidTransaction, v.acknowledged, v.applied, v.rows, v.unacknowledgedApplied,
                    v.unacknowledgedAbsent, takeovers, SESSION_TIMEOUT_MS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertEquals(kills, killedMidTransaction, "kills that landed inside an apply transaction (the trade whose "
                    + "transaction was held open absent right after it)");
        }
    }

    @Test
    @Order(1)
    void anInstanceStoppedWithSigstop_losesItsPartitions_andAfterSigcont_everyCallIsStillAppliedOnce()
            throws Exception {
        TestDatabase db = database("sharedstop");
        // the stopped instance's open apply transaction would hold its rows' locks until it resumes
        db.execute("ALTER DATABASE " + db.name() + " SET idle_in_transaction_session_timeout = '2s'");
        String topic = TestCluster.newTopic("shared-stop");
        AccountsModel model = new AccountsModel();
        try (SharedKafkaWalStorage log = openLog(topic)) {
            SharedLogChild a = start(db, topic, "s0", model);
            SharedLogChild b = start(db, topic, "s1", model);
            awaitAll("two instances share the partitions, each with 30 calls acknowledged", () -> sharing(2)
                    && a.acks.get() >= 30 && b.acks.get() >= 30);
            Set<Integer> moved = a.owned();
            SharedLogChild.Kill stop = a.signalOnNextMid("STOP");
            awaitAll("instance s0 stopped (SIGSTOP) with an apply transaction open", stop::done);
            awaitAll("s1 owns every partition", () -> b.owned().size() == PARTITIONS, List.of(b));
            long ownedAfter = b.lastOwnedChangeAt(moved) - stop.atMillis;
            awaitAll("s1 applies 20 entries of s0's partitions " + moved,
                    () -> appliedSince(db, "s1", moved, stop.atMillis) >= 20, List.of(b));
            long resumedAt = System.currentTimeMillis();
            SharedLogChild.signal(a, "CONT");
            int acked = model.acknowledgedCount();
            awaitAll("both instances acknowledge 50 calls more after SIGCONT",
                    () -> model.acknowledgedCount() >= acked + 50 && a.ackedSince(resumedAt));
            Thread.sleep(3_000);
            Verified v = finishAndVerify(db, log, model, List.of(a, b));
            System.out.printf("[wal4j-test] shared log, SIGSTOP: s0 stopped with trade %s's apply transaction open, its "
                            + "partitions %s owned by s1 after %d ms; after SIGCONT: %d calls acknowledged, %d applied, "
                            + "lost 0, duplicates 0, %d unacknowledged applied, lane order = log order%n", stop.tradeId,
                    moved, ownedAfter, v.acknowledged, v.applied, v.unacknowledgedApplied);

            // fencing: the resumed instance applied nothing of the partitions that moved while it was stopped
            // (until it owned one again by a later assignment)
            List<String> stale = new ArrayList<>();
            for (Applied row : appliedRows(db)) {
                if (row.instance.equals("s0") && moved.contains(row.partition) && row.committedAt >= stop.atMillis
                        && row.committedAt < a.reownedAfter(row.partition, resumedAt)) {
                    stale.add(row.tradeId + "@p" + row.partition + "+" + (row.committedAt - resumedAt) + "ms");
                }
            }
            Map<Integer, Integer> resumedCommits = new TreeMap<>();
            for (Applied row : appliedRows(db)) {
                if (row.instance.equals("s0") && row.committedAt >= resumedAt) {
                    resumedCommits.merge(row.partition, 1, Integer::sum);
                }
            }
            System.out.printf("[wal4j-test] shared log, SIGSTOP fencing: s0 after SIGCONT reported owning %s, committed "
                            + "trades by partition %s; of moved partitions %s before owning them again: %d %s%n",
                    a.ownershipSince(resumedAt), resumedCommits, moved, stale.size(), stale);
            assertEquals(List.of(), stale, "the resumed instance s0 applied trades of partitions " + moved
                    + " that moved to s1 while it was stopped (partition fencing)");
        }
    }

    // ---- setup ----

    private TestDatabase database(String name) throws SQLException {
        TestDatabase db = Engines.postgresql().createDatabase(name);
        AccountsSchema.create(db);
        db.execute("CREATE TABLE applied_by (trade_id VARCHAR(64) NOT NULL, instance VARCHAR(16) NOT NULL, "
                + "partition_no INT NOT NULL)");
        for (String account : ACCOUNTS) {
            db.execute("INSERT INTO account (id, owner, balance) VALUES ('" + account + "', 'owner', 0)");
        }
        JdbcSyncTarget.builder("primary", db.dataSource()).build().createSchema();
        return db;
    }

    /** Accounts {@code acct-0}, {@code acct-1}, ... chosen so that {@code perPartition} lanes fall in each partition. */
    private static List<String> accounts(int perPartition) {
        Map<Integer, Integer> inPartition = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < perPartition * PARTITIONS; i++) {
            String account = "acct-" + i;
            if (inPartition.merge(ApplyPartitions.of(LaneId.of("accounts", account), PARTITIONS), 1, Integer::sum)
                    <= perPartition) {
                out.add(account);
            }
        }
        return List.copyOf(out);
    }

    /** The parent's own view of the log (it joins no group): creates the topics, reads the log back. */
    private static SharedKafkaWalStorage openLog(String topic) {
        return cluster.log(topic).partitions(PARTITIONS).openShared(topic + "-group");
    }

    private SharedLogChild start(TestDatabase db, String topic, String instance, AccountsModel model) throws IOException {
        Files.createDirectories(work);
        Path stderr = work.resolve(instance + ".err");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), SharedLogApplication.class.getName(),
                cluster.bootstrapServers(), topic, Integer.toString(PARTITIONS), topic + "-group", db.jdbcUrl(), db.user(),
                db.password(), instance, Integer.toString(WRITERS), "100000", String.join(",", ACCOUNTS))
                .redirectError(stderr.toFile())
                .start();
        SharedLogChild child = new SharedLogChild(instance, process, stderr, model);
        children.add(child);
        return child;
    }

    // ---- the children ----

    private List<SharedLogChild> alive() {
        List<SharedLogChild> out = new ArrayList<>();
        for (SharedLogChild c : children) {
            if (!c.killed.get()) {
                out.add(c);
            }
        }
        return out;
    }

    private static Set<Integer> union(List<SharedLogChild> of) {
        Set<Integer> all = new TreeSet<>();
        of.forEach(c -> all.addAll(c.owned()));
        return all;
    }

    /** The {@code n} live instances own every partition between them, each some. */
    private boolean sharing(int n) {
        List<SharedLogChild> live = alive();
        return live.size() == n && union(live).size() == PARTITIONS && live.stream().allMatch(c -> !c.owned().isEmpty())
                && live.stream().mapToInt(c -> c.owned().size()).sum() == PARTITIONS;
    }

    /** Waits for {@code condition}, failing at once when a child that was not killed died or printed an error. */
    private void awaitAll(String what, BooleanSupplier condition) throws InterruptedException {
        awaitAll(what, condition, alive());
    }

    private void awaitAll(String what, BooleanSupplier condition, List<SharedLogChild> watched) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!condition.getAsBoolean()) {
            for (SharedLogChild c : watched) {
                if (!c.killed.get() && (!c.process.isAlive() && !c.stopped.get() || !c.errors.isEmpty())) {
                    throw new AssertionError("while waiting until " + what + ": " + c.describe());
                }
            }
            if (System.currentTimeMillis() > deadline) {
                StringBuilder state = new StringBuilder();
                for (SharedLogChild c : children) {
                    state.append("\n").append(c.instance).append(" owns ").append(c.owned()).append(", ")
                            .append(c.acks).append(" acks").append(c.killed.get() ? " (killed)" : "");
                    if (!c.killed.get() && c.process.isAlive()) {
                        state.append(", threads in ").append(c.threadDump()).append(", ").append(c.describe());
                    }
                }
                throw new AssertionError("not within " + WAIT_MS + " ms: " + what + state);
            }
            Thread.sleep(50);
        }
    }

    private void stopBrokerUnderLoad(List<SharedLogChild> writing) throws InterruptedException {
        int acked = writing.stream().mapToInt(c -> c.acks.get()).sum();
        long start = System.nanoTime();
        cluster.stopBroker(1);
        long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int during = writing.stream().mapToInt(c -> c.acks.get()).sum() - acked;
        int after = writing.stream().mapToInt(c -> c.acks.get()).sum();
        awaitAll("the survivors acknowledge 100 calls more with one broker stopped",
                () -> writing.stream().mapToInt(c -> c.acks.get()).sum() >= after + 100);
        System.out.printf("[wal4j-test] shared log: broker 1 of 3 stopped under load in %d ms (%d calls acknowledged "
                + "meanwhile); 100 more acknowledged with it stopped%n", stoppedMs, during);
    }

    // ---- the end: drain, stop, verify ----

    private record Verified(int acknowledged, int applied, int rows, int unacknowledgedApplied,
                            int unacknowledgedAbsent) {
    }

    private Verified finishAndVerify(TestDatabase db, SharedKafkaWalStorage log, AccountsModel model, List<SharedLogChild> live)
            throws Exception {
        for (SharedLogChild c : live) {
            c.send("FINISH");
        }
        awaitAll("the instances finish writing", () -> live.stream().allMatch(c -> c.written.get()), live);
        Map<String, Integer> order = new HashMap<>();
        Map<String, LaneId> laneOf = new HashMap<>();
        awaitAll("every trade in the log applied", () -> {
            readLog(log, order, laneOf);
            return distinctApplied(db) == order.size();
        }, live);
        for (SharedLogChild c : live) {
            c.send("STOP");
        }
        awaitAll("the instances stop", () -> live.stream().allMatch(c -> c.stopped.get() && !c.process.isAlive()), live);
        for (SharedLogChild c : live) {
            assertEquals(0, c.process.exitValue(), () -> c.describe());
        }
        readLog(log, order, laneOf);

        List<TradeRow> rows = AccountsSchema.allTrades(db);
        Map<String, Integer> copies = new HashMap<>();
        rows.forEach(r -> copies.merge(r.tradeId(), 1, Integer::sum));
        long duplicates = copies.values().stream().filter(n -> n > 1).count();
        Set<String> acknowledged = model.acknowledgedIds();
        long lost = acknowledged.stream().filter(t -> !copies.containsKey(t)).count();
        for (String tradeId : acknowledged) {
            assertTrue(order.containsKey(tradeId), () -> "acknowledged trade " + tradeId + " is not in the Kafka log");
        }
        // the model checks lane order by sequence: number each row by its entry's place in the log
        List<TradeRow> inLogOrder = new ArrayList<>();
        for (TradeRow r : rows) {
            Integer position = order.get(r.tradeId());
            assertTrue(position != null, () -> "trade row " + r + " has no entry in the Kafka log");
            inLogOrder.add(new TradeRow(r.rowId(), r.tradeId(), r.accountId(), position, r.amount(), r.balanceAfter()));
        }
        assertEquals(0, duplicates, "trades applied more than once");
        assertEquals(0, lost, "acknowledged trades never applied");
        AccountsModel.Verification found = model.verify(inLogOrder, AccountsSchema.balances(db));
        assertEquals(rows.size(), db.count("wal4j_applied_keys"), "one applied key per trade");
        assertEquals(rows.size(), db.count("applied_by"), "one applier row per trade");
        checkCallersOrder(order, laneOf);
        return new Verified(found.acknowledged(), copies.size(), rows.size(), copies.size() - (int) acknowledged.stream()
                .filter(copies::containsKey).count(), found.unacknowledgedAbsent());
    }

    /** Each caller's calls (a writer's trades, numbered in call order) are in the log in that order. */
    private static void checkCallersOrder(Map<String, Integer> order, Map<String, LaneId> laneOf) {
        Map<String, long[]> lastOfCaller = new HashMap<>();
        List<Map.Entry<String, Integer>> byPosition = new ArrayList<>(order.entrySet());
        byPosition.sort(Map.Entry.comparingByValue());
        for (Map.Entry<String, Integer> e : byPosition) {
            String tradeId = e.getKey();
            int dash = tradeId.lastIndexOf('-');
            String caller = tradeId.substring(0, dash) + "/" + laneOf.get(tradeId);
            long call = Long.parseLong(tradeId.substring(dash + 1));
            long[] last = lastOfCaller.computeIfAbsent(caller, c -> new long[] {0});
            assertTrue(call > last[0], () -> "lane " + laneOf.get(tradeId) + ": " + tradeId + " is in the log after call "
                    + last[0] + " of the same caller");
            last[0] = call;
        }
    }

    /** Every trade entry in the log: its place (the parent's own numbering) and its lane. */
    private static void readLog(SharedKafkaWalStorage log, Map<String, Integer> order, Map<String, LaneId> laneOf) {
        order.clear();
        laneOf.clear();
        try (Stream<WalEntry> all = log.scan(1)) {
            all.forEach(e -> {
                Matcher m = TRADE_ID.matcher(e.payload());
                if (!m.find()) {
                    throw new AssertionError("entry " + e.seq() + " carries no trade: " + e.payload());
                }
                if (order.putIfAbsent(m.group(1), order.size()) != null) {
                    throw new AssertionError("trade " + m.group(1) + " is twice in the log");
                }
                laneOf.put(m.group(1), LaneId.of(e));
            });
        }
    }

    private static int distinctApplied(TestDatabase db) {
        try {
            return (int) db.queryLong("SELECT COUNT(DISTINCT trade_id) FROM trade");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean tradeExists(TestDatabase db, String tradeId) throws SQLException {
        return db.queryLong("SELECT COUNT(*) FROM trade WHERE trade_id = ?", tradeId) > 0;
    }

    /** A trade's applier row with the commit time of its transaction. */
    private record Applied(String tradeId, String instance, int partition, long committedAt) {
    }

    private static List<Applied> appliedRows(TestDatabase db) {
        List<Applied> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement select = c.prepareStatement("SELECT trade_id, instance, partition_no, "
                     + "(EXTRACT(EPOCH FROM pg_xact_commit_timestamp(xmin)) * 1000)::BIGINT FROM applied_by");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                out.add(new Applied(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static long appliedSince(TestDatabase db, String instance, Set<Integer> partitions, long sinceMillis) {
        return appliedRows(db).stream().filter(a -> a.instance.equals(instance) && partitions.contains(a.partition)
                && a.committedAt >= sinceMillis).count();
    }

    /** Waits until a survivor committed a trade of each of {@code partitions} after {@code since}; returns when the last came. */
    private long awaitFirstApplied(TestDatabase db, List<SharedLogChild> survivors, Set<Integer> partitions, long since)
            throws InterruptedException {
        Set<String> names = new HashSet<>();
        survivors.forEach(c -> names.add(c.instance));
        Map<Integer, Long> first = new HashMap<>();
        Supplier<Boolean> all = () -> {
            first.clear();
            for (Applied a : appliedRows(db)) {
                if (names.contains(a.instance) && partitions.contains(a.partition) && a.committedAt >= since) {
                    first.merge(a.partition, a.committedAt, Math::min);
                }
            }
            return first.keySet().containsAll(partitions);
        };
        awaitAll("the survivors apply trades of the dead instance's partitions " + partitions, all::get);
        return first.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }
}
