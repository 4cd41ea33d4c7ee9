package org.wal4j.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.wal4j.TargetStats;
import org.wal4j.config.ConfigSources;
import org.wal4j.storage.kafka.KafkaWalStorage;
import org.wal4j.storage.kafka.SharedKafkaWalStorage;

/**
 * Draining a backlog from a shared Kafka log with 1 application instance and with 3, against the
 * DAO called directly: what {@code benchmarks/run.sh --kafka-drain} starts. One in-process 3-broker
 * cluster ({@link InProcessKafka}) and one embedded PostgreSQL ({@link EmbeddedPostgresServer},
 * {@code fsync=on}) serve the whole run.
 *
 * <pre>
 * KafkaDrainBenchmark [--quick] [--calls N] [--rounds N] [--wal KEY=VALUE]... [--label TEXT] [--report FILE]
 * </pre>
 *
 * Each drain runs on a fresh topic of {@value #PARTITIONS} partitions (replication factor 3) and a
 * fresh database. {@code --wal KEY=VALUE} gives every instance's {@code Wal} a {@code wal.*} setting
 * (repeatable; {@code wal.apply.partitions} is the harness's). Its instances are {@link Pipeline}s in this JVM, each its own
 * {@link SharedKafkaWalStorage} (one consumer group per topic), {@code Wal} with
 * {@code applyPartitions} {@value #PARTITIONS}, {@code JdbcSyncTarget} and HikariCP pool of
 * {@value #PARTITIONS} connections, and {@code DurableRepository}. Once the partitions are shared out
 * and a warm-up of {@value #WARMUP_CALLS} calls is applied, every instance's database becomes
 * unreachable (its target's connections wait at a gate, {@link GatedDataSource}); {@value #WRITERS}
 * threads then book the backlog's calls, each through a random instance's repository; then the
 * gates open together and the drain is timed from then to the last entry applied on any instance.
 * The database is checked afterwards: as many trades as calls, balances adding up. The baseline is
 * the same number of calls of the DAO called directly, from 1 thread and from
 * {@code 3 × partitions} threads, each on a fresh database. Every row records where the CPU went
 * ({@link CpuMeter}).
 *
 * <p>Before the first round, one unmeasured drain of a tenth of the calls with 1 instance and one
 * with 3 compile the code the drains run (the first drain of a JVM was measured 1.3-2× slower).
 * Full run: {@value #FULL_CALLS} calls, {@value #FULL_ROUNDS} rounds of both drains (1 then 3
 * instances in odd rounds, 3 then 1 in even ones), about 8 minutes; {@code --quick}:
 * {@value #QUICK_CALLS} calls, 1 round, report to {@code target/kafka-drain-report.md}. The section
 * {@code --label} of {@code ../docs/benchmarks.md} is replaced ({@link KafkaDrainReport}).
 *
 * <p>Not thread-safe; a command-line entry point.
 */
public final class KafkaDrainBenchmark {
    static final int PARTITIONS = 6;
    static final int INSTANCES = 3;
    static final int WRITERS = 16;
    static final int WARMUP_CALLS = 500;
    static final long FULL_CALLS = 20_000;
    static final long QUICK_CALLS = 2_000;
    static final int FULL_ROUNDS = 3;
    static final String DEFAULT_LABEL = "latest run";
    private static final Duration ASSIGN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration APPLY_TIMEOUT = Duration.ofMinutes(10);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private KafkaDrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        KafkaDrainRun run;
        try (InProcessKafka kafka = InProcessKafka.start()) {
            run = run(arguments, kafka, EmbeddedPostgresServer.shared());
        }
        KafkaDrainReport.write(run, arguments.report);
        System.out.print(KafkaDrainReport.section(run));
        System.out.println("Report in " + arguments.report.toAbsolutePath());
        System.exit(0); // the kit leaves non-daemon threads behind
    }

    /** The baselines, then every round of both drains, on {@code kafka} and {@code server}. */
    static KafkaDrainRun run(Arguments a, InProcessKafka kafka, EmbeddedPostgresServer server) throws SQLException {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = MachineDescription.loadAverage();
        long postmaster = CpuMeter.postmasterPid(server.dataDirectory());
        List<KafkaDrainResult> results = new ArrayList<>();
        results.add(progress(direct(server, postmaster, 1, a.calls)));
        results.add(progress(direct(server, postmaster, INSTANCES * PARTITIONS, a.calls)));
        for (int instances : a.warmupDrainCalls == 0 ? List.<Integer>of() : List.of(1, INSTANCES)) {
            // unmeasured: the first drain in the JVM would pay for compiling the log's and the engine's code
            KafkaDrainResult warm = drain(kafka, server, postmaster, instances, a.warmupCalls, a.warmupDrainCalls, 0,
                    a.walProperties);
            System.out.printf(Locale.ROOT, "[kafka-drain] warm-up drain with %d instance(s): %s calls/s (not "
                    + "reported)%n", instances, Format.rate(warm.callsPerSecond()));
        }
        for (int round = 1; round <= a.rounds; round++) {
            for (int instances : round % 2 == 1 ? List.of(1, INSTANCES) : List.of(INSTANCES, 1)) {
                results.add(progress(drain(kafka, server, postmaster, instances, a.warmupCalls, a.calls, round,
                        a.walProperties)));
            }
        }
        kafka.checkHealthy();
        return new KafkaDrainRun(a.label, a.quick ? "quick" : "full",
                "benchmarks/run.sh --kafka-drain" + a.commandLine, start.toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), loadAtStart, MachineDescription.loadAverage(),
                server.durabilitySettings(), a.calls, a.rounds, walSettings(a.walProperties), results);
    }

    private static String walSettings(Properties properties) {
        return new java.util.TreeMap<>(properties).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static KafkaDrainResult progress(KafkaDrainResult r) {
        System.out.printf(Locale.ROOT, "[kafka-drain] %-12s round %d  %,d calls in %.1f s: %s calls/s; CPU machine "
                + "%.2f, JVM %.2f, PostgreSQL %.2f cores%n", r.workload(), r.round(), r.calls(), r.seconds(),
                Format.rate(r.callsPerSecond()), r.cpu().machineBusy(), r.cpu().jvm(), r.cpu().postgres());
        return r;
    }

    /** {@code calls} calls of the DAO called directly by {@code threads} threads, on a fresh database. */
    static KafkaDrainResult direct(EmbeddedPostgresServer server, long postmaster, int threads, long calls)
            throws SQLException {
        try (EmbeddedPostgresServer.BenchDatabase database = server.createDatabase("drain")) {
            TradingTables.create(database.dataSource());
            try (var pool = Pipeline.pool(database.dataSource(), threads, "drain-direct")) {
                JdbcTradingDao dao = new JdbcTradingDao(pool);
                CpuMeter.Snapshot before = CpuMeter.take(postmaster);
                LoadDriver.Load load = LoadDriver.forCount("b", threads, calls, dao::trade);
                CpuMeter.Use cpu = CpuMeter.between(before, CpuMeter.take(postmaster));
                TradingTables.requireExactlyOnce(pool, load.calls(), load.amount());
                return new KafkaDrainResult("direct_t" + threads, "DAO called directly", 0, 0, threads, load.calls(),
                        load.seconds(), load.callsPerSecond(), 0, 0, load.calls(), 1, null, "", cpu);
            }
        }
    }

    /**
     * A backlog of {@code calls} written while {@code instances} instances' database is unreachable,
     * then drained by them; on a fresh topic and database.
     */
    static KafkaDrainResult drain(InProcessKafka kafka, EmbeddedPostgresServer server, long postmaster, int instances,
                                  long warmupCalls, long calls, int round, Properties walProperties)
            throws SQLException {
        String topic = "drain-" + TOPICS.incrementAndGet();
        Properties properties = new Properties();
        properties.putAll(walProperties);
        properties.setProperty("wal.apply.partitions", Integer.toString(PARTITIONS));
        ConfigSources settings = ConfigSources.defaults().properties(properties);
        try (EmbeddedPostgresServer.BenchDatabase database = server.createDatabase("drain")) {
            TradingTables.create(database.dataSource());
            List<SharedKafkaWalStorage> logs = new ArrayList<>();
            List<Pipeline> instancesRunning = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    SharedKafkaWalStorage log = KafkaWalStorage.builder().bootstrapServers(kafka.bootstrapServers())
                            .topic(topic).partitions(PARTITIONS).openTimeout(InProcessKafka.TOPIC_TIMEOUT)
                            .clientProperty("session.timeout.ms", 6000).clientProperty("heartbeat.interval.ms", 1000)
                            .openShared(topic + "-group");
                    logs.add(log);
                    instancesRunning.add(Pipeline.startOn(log, database.dataSource(), PARTITIONS, settings,
                            "drain-i" + i));
                }
                awaitShared(logs);
                LoadDriver.Load warm = LoadDriver.forCount("w", WRITERS, warmupCalls, through(instancesRunning));
                awaitApplied(instancesRunning, warm.calls());
                instancesRunning.forEach(Pipeline::databaseDown);
                LoadDriver.Load load = LoadDriver.forCount("d", WRITERS, calls, through(instancesRunning));
                long backlog = warm.calls() + load.calls() - applied(instancesRunning);
                long[] callsBefore = new long[instances];
                for (int i = 0; i < instances; i++) {
                    callsBefore[i] = instancesRunning.get(i).targetStats().applyCalls();
                }
                CpuMeter.Snapshot before = CpuMeter.take(postmaster);
                long back = System.nanoTime();
                instancesRunning.forEach(Pipeline::databaseBack);
                awaitApplied(instancesRunning, warm.calls() + load.calls());
                CpuMeter.Use cpu = CpuMeter.between(before, CpuMeter.take(postmaster));
                long end = instancesRunning.stream().mapToLong(Pipeline::lastAppliedNanos).max().orElseThrow();
                long applyCalls = 0;
                long p50 = 0;
                for (int i = 0; i < instances; i++) {
                    TargetStats stats = instancesRunning.get(i).targetStats();
                    applyCalls += stats.applyCalls() - callsBefore[i];
                    p50 = Math.max(p50, stats.applyLatencyP50Micros());
                }
                String shares = logs.stream().map(l -> Integer.toString(l.ownedPartitions().size()))
                        .collect(Collectors.joining("+"));
                shutDownAll(instancesRunning);
                TradingTables.requireExactlyOnce(database.dataSource(), warm.calls() + load.calls(),
                        warm.amount() + load.amount());
                double seconds = (end - back) / 1e9;
                return new KafkaDrainResult("drain_i" + instances, instances == 1 ? "drain, 1 instance"
                        : "drain, " + instances + " instances", round, instances, WRITERS, load.calls(), seconds,
                        load.calls() / seconds, backlog, load.seconds(), applyCalls,
                        (double) backlog / Math.max(1, applyCalls), p50, shares, cpu);
            } finally {
                shutDownAll(instancesRunning); // closes their logs (startOn closes a log it fails on)
            }
        }
    }

    /**
     * Stops every instance at once (one after the other, each leaving would hand its partitions to
     * the rest, a rebalance apiece); the first failure is thrown once all have stopped.
     */
    private static void shutDownAll(List<Pipeline> instances) {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (Pipeline instance : instances) {
            stopping.add(CompletableFuture.runAsync(instance::shutDown, r -> new Thread(r, "drain-stop").start()));
        }
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
    }

    /** Each call through a random instance's repository. */
    private static LoadDriver.Call through(List<Pipeline> instances) {
        return (accountId, amount, tradeId) -> instances.get(ThreadLocalRandom.current().nextInt(instances.size()))
                .repository().trade(accountId, amount, tradeId);
    }

    /** Waits until the instances own every partition between them, each at least one. */
    private static void awaitShared(List<SharedKafkaWalStorage> logs) {
        long deadline = System.nanoTime() + ASSIGN_TIMEOUT.toNanos();
        while (logs.stream().mapToInt(l -> l.ownedPartitions().size()).sum() != PARTITIONS
                || logs.stream().anyMatch(l -> l.ownedPartitions().isEmpty())) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The " + logs.size() + " instances did not share the " + PARTITIONS
                        + " partitions within " + ASSIGN_TIMEOUT + ": " + logs.stream()
                        .map(SharedKafkaWalStorage::ownedPartitions).toList());
            }
            sleep();
        }
    }

    private static long applied(List<Pipeline> instances) {
        return instances.stream().mapToLong(Pipeline::appliedEntries).sum();
    }

    /** Waits until the instances have applied {@code entries} between them (an entry dead-lettered fails it). */
    private static void awaitApplied(List<Pipeline> instances, long entries) {
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        while (applied(instances) < entries) {
            for (Pipeline instance : instances) {
                instance.awaitApplied(0, APPLY_TIMEOUT); // fails at once if it dead-lettered an entry
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The instances applied " + applied(instances) + " of " + entries
                        + " entries within " + APPLY_TIMEOUT);
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the instances", e);
        }
    }

    /** Parsed command line. */
    static final class Arguments {
        boolean quick;
        long calls = FULL_CALLS;
        int rounds = FULL_ROUNDS;
        String label = DEFAULT_LABEL;
        Path report = Paths.get("..", "docs", "benchmarks.md");
        String commandLine = "";
        /** Calls applied before each drain's backlog: {@value #WARMUP_CALLS}, fewer in the harness's own test. */
        long warmupCalls = WARMUP_CALLS;
        /**
         * The backlog of the unmeasured drains (1 then 3 instances) before the first round: a tenth of
         * the calls; 0 (none) in the harness's own test.
         */
        long warmupDrainCalls;
        final Properties walProperties = new Properties();

        private void setting(String keyValue) {
            int equals = keyValue.indexOf('=');
            if (equals <= 0 || !keyValue.startsWith("wal.") || keyValue.startsWith("wal.apply.partitions=")) {
                throw new IllegalArgumentException("--wal takes a wal.* setting as KEY=VALUE (not wal.apply.partitions, "
                        + "which is the topic's) but was '" + keyValue + "'");
            }
            walProperties.setProperty(keyValue.substring(0, equals), keyValue.substring(equals + 1));
        }

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            boolean callsGiven = false;
            boolean roundsGiven = false;
            boolean reportGiven = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick": parsed.quick = true; break;
                    case "--calls":
                        parsed.calls = Options.atLeast(args, ++i, 1);
                        callsGiven = true;
                        break;
                    case "--rounds":
                        parsed.rounds = Options.count(args, ++i, 1);
                        roundsGiven = true;
                        break;
                    case "--wal": parsed.setting(Options.value(args, ++i)); break;
                    case "--label": parsed.label = Options.value(args, ++i); break;
                    case "--report":
                        parsed.report = Paths.get(Options.value(args, ++i));
                        reportGiven = true;
                        break;
                    default: throw new IllegalArgumentException("Unknown option '" + args[i] + "'; expected --quick, "
                            + "--calls N, --rounds N, --wal KEY=VALUE, --label TEXT or --report FILE");
                }
            }
            if (parsed.quick) {
                parsed.calls = callsGiven ? parsed.calls : QUICK_CALLS;
                parsed.rounds = roundsGiven ? parsed.rounds : 1;
                parsed.report = reportGiven ? parsed.report : Paths.get("target", "kafka-drain-report.md");
            }
            parsed.warmupDrainCalls = Math.max(1, parsed.calls / 10);
            parsed.commandLine = Options.line(args);
            return parsed;
        }
    }
}
