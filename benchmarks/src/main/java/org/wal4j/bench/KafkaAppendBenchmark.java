package org.wal4j.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wal4j.WalEntry;
import org.wal4j.storage.kafka.KafkaLogSettings;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.kafka.KafkaWalStorage;
import org.wal4j.storage.kafka.SharedKafkaWalStorage;

/**
 * wal4j's Kafka log against a raw idempotent {@code KafkaProducer} with the same settings, on one
 * in-process 3-broker KRaft cluster ({@link InProcessKafka}) in one run: what
 * {@code benchmarks/run.sh --kafka} starts.
 *
 * <pre>
 * KafkaAppendBenchmark [--quick] [--rounds N] [--label TEXT] [--report FILE]
 * </pre>
 *
 * Both write 256-byte JSON payloads to a topic of 3 partitions, replication factor 3,
 * {@code min.insync.replicas} 2, with {@code acks=all}, idempotence, at most 5 requests in flight,
 * {@code linger.ms} 0 and the log's delivery timeout. The raw producer sends the payload as the
 * record's value with the lane's key; the log appends an entry (its header of fields and checksum
 * included: that is its cost). Each round measures every workload for both, the raw producer first
 * in even rounds and the log first in odd ones, so a machine that gets busier does not favour one;
 * the report gives the median of the rounds and their range:
 * <ul>
 *   <li>{@code sync_t1}: one thread, {@code send().get()} against {@code append()}: latency p50 / p99;</li>
 *   <li>{@code sync_t16}: 16 threads doing the same: what sharing the producer's batches gives;</li>
 *   <li>{@code pipelined_t1}: one thread keeping {@value #WINDOW} records in flight
 *       ({@code send(record, callback)} against {@code appendAsync}); and once more for the raw
 *       producer with its records padded by a header to the log's average record size
 *       ({@code rawSameBytes}), which separates what the log's larger records cost the brokers from
 *       what its code costs.</li>
 * </ul>
 * Full run: {@value #FULL_ROUNDS} rounds, about 3 minutes; {@code --quick}: 1 round of small
 * counts, to check the harness only. The section {@code --label} of {@code ../docs/benchmarks.md}
 * is replaced ({@link KafkaAppendReport}).
 *
 * <p>Not thread-safe; a command-line entry point.
 */
public final class KafkaAppendBenchmark {
    static final int PAYLOAD_BYTES = 256;
    static final int PARTITIONS = 3;
    /** Records in flight in the pipelined workload. */
    static final int WINDOW = 1024;
    static final int FULL_ROUNDS = 5;
    static final String DEFAULT_LABEL = "latest run";
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** How much each workload does per round. */
    record Sizes(int warmup, int latencySamples, int threads, int perThread, int pipelined) {
    }

    static final Sizes FULL = new Sizes(2_000, 5_000, 16, 1_000, 100_000);
    static final Sizes QUICK = new Sizes(100, 300, 4, 50, 2_000);

    private KafkaAppendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        KafkaAppendRun run;
        try (InProcessKafka kafka = InProcessKafka.start()) {
            run = run(arguments, kafka);
        }
        KafkaAppendReport.write(run, arguments.report);
        System.out.print(KafkaAppendReport.section(run));
        System.out.println("Report in " + arguments.report.toAbsolutePath());
        System.exit(0); // the kit leaves non-daemon threads behind
    }

    /** One writer of records: the raw producer or the log. */
    interface Appender {
        /** Sends record {@code i}; {@code done} or {@code failed} is called once it is acknowledged or not. */
        Future<?> send(int i, Runnable done, Consumer<Throwable> failed);
    }

    /** Runs every round on {@code kafka}. */
    static KafkaAppendRun run(Arguments a, InProcessKafka kafka) throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = MachineDescription.loadAverage();
        Sizes sizes = a.sizes();
        byte[] payload = Payloads.json(PAYLOAD_BYTES);
        String payloadText = new String(payload, StandardCharsets.UTF_8);
        KafkaLogSettings settings = KafkaWalStorage.builder().bootstrapServers(kafka.bootstrapServers())
                .topic("wal-bench").partitions(PARTITIONS).openTimeout(InProcessKafka.TOPIC_TIMEOUT).build();
        createRawTopic(kafka, settings);
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        try (KafkaWalStorage log = KafkaWalStorage.open(settings);
             // the log shared by several instances: an append is acknowledged once read back
             SharedKafkaWalStorage shared = KafkaWalStorage.builder().bootstrapServers(kafka.bootstrapServers())
                     .topic("wal-shared-bench").partitions(PARTITIONS).openTimeout(InProcessKafka.TOPIC_TIMEOUT)
                     .openShared("bench");
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(rawProducerConfig(settings))) {
            Appender raw = (i, done, failed) -> producer.send(new ProducerRecord<>("raw-bench", key(i), payload),
                    (metadata, e) -> {
                        if (e == null) {
                            done.run();
                        } else {
                            failed.accept(e);
                        }
                    });
            Appender wal = entryAppender(log, payloadText);
            Appender sharedWal = entryAppender(shared, payloadText);
            Map<String, Appender> appenders = new HashMap<>(Map.of("raw", raw, "wal", wal, "shared", sharedWal));
            for (String who : List.of("raw", "wal", "shared")) { // warm each up once: JIT, connections, metadata
                latency(appenders.get(who), sizes.warmup());
                pipelined(appenders.get(who), sizes.warmup() * 4);
            }
            // the raw producer again, its records padded with a header to the log's average record size
            // (the log's record carries the entry's fields as a JSON header): what the bytes alone cost
            int recordBytes = (int) (log.stats().bytes() / log.stats().entries());
            RecordHeaders padding = new RecordHeaders();
            padding.add("pad", new byte[Math.max(0, recordBytes - payload.length)]);
            Appender rawSameBytes = (i, done, failed) -> producer.send(new ProducerRecord<>("raw-bench", null, key(i),
                    payload, padding), (metadata, e) -> {
                        if (e == null) {
                            done.run();
                        } else {
                            failed.accept(e);
                        }
                    });
            pipelined(rawSameBytes, sizes.warmup() * 4);
            add(figures, "recordBytes", recordBytes);
            for (int round = 0; round < a.rounds; round++) {
                List<String> order = new ArrayList<>(List.of("raw", "wal", "shared"));
                java.util.Collections.rotate(order, round); // each goes first in turn
                for (String who : order) {
                    Appender appender = appenders.get(who);
                    long[] nanos = latency(appender, sizes.latencySamples());
                    add(figures, who + ".sync_t1.p50", percentile(nanos, 0.50) / 1000.0);
                    add(figures, who + ".sync_t1.p99", percentile(nanos, 0.99) / 1000.0);
                    add(figures, who + ".sync_t1", nanos.length * 1e9 / Arrays.stream(nanos).sum());
                    add(figures, who + ".sync_t" + sizes.threads(), threads(appender, sizes.threads(),
                            sizes.perThread()));
                    add(figures, who + ".pipelined_t1", pipelined(appender, sizes.pipelined()));
                    if (who.equals("raw")) {
                        add(figures, "rawSameBytes.pipelined_t1", pipelined(rawSameBytes, sizes.pipelined()));
                    }
                }
            }
        }
        kafka.checkHealthy();
        return new KafkaAppendRun(a.label, a.quick ? "quick" : "full", start, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                loadAtStart, MachineDescription.loadAverage(), "benchmarks/run.sh --kafka" + a.commandLine, a.rounds,
                sizes, figures);
    }

    /** Appends one entry of {@code payload} per call to {@code log}. */
    private static Appender entryAppender(WalStorage log, String payload) {
        return (i, done, failed) -> log.appendAsync(List.of(WalEntry.builder("bench", "append")
                .key(new String(key(i), StandardCharsets.UTF_8)).payloadJson(payload).targets("target")
                .build())).whenComplete((r, e) -> {
                    if (e == null) {
                        done.run();
                    } else {
                        failed.accept(e);
                    }
                });
    }

    private static void add(Map<String, List<Double>> figures, String name, double value) {
        figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    static byte[] key(int i) {
        return ("acct-" + (i % 64)).getBytes(StandardCharsets.UTF_8);
    }

    /** The raw topic, configured as the log creates its own. */
    private static void createRawTopic(InProcessKafka kafka, KafkaLogSettings s) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("raw-bench", PARTITIONS, (short) s.replicationFactor()).configs(
                    Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(s.minInSyncReplicas()),
                            TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"))))
                    .all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** What the log's producer is given (KafkaWalStorage's producer settings), for a producer of our own. */
    static Map<String, Object> rawProducerConfig(KafkaLogSettings s) {
        Map<String, Object> config = new HashMap<>();
        int delivery = (int) s.deliveryTimeout().toMillis();
        int linger = (int) s.linger().toMillis();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, linger);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, delivery);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery + linger);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) delivery);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, s.maxEntryBytes() + 64 * 1024);
        return config;
    }

    /** {@code samples} synchronous sends from this thread; each one's nanoseconds. */
    static long[] latency(Appender appender, int samples) throws Exception {
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            appender.send(i, () -> { }, e -> { }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    /** {@code threads} threads each sending {@code perThread} records synchronously; records per second. */
    static double threads(Appender appender, int threads, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                workers.add(pool.submit(() -> {
                    go.await();
                    for (int i = first; i < first + perThread; i++) {
                        appender.send(i, () -> { }, e -> { }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<?> w : workers) {
                w.get();
            }
            return (double) threads * perThread * 1e9 / (System.nanoTime() - t0);
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code count} records from this thread with up to {@value #WINDOW} in flight; records per second. */
    static double pipelined(Appender appender, int count) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count && failure.get() == null; i++) {
            window.acquire();
            Future<?> unused = appender.send(i, window::release, e -> {
                failure.compareAndSet(null, e);
                window.release();
            });
        }
        if (!window.tryAcquire(WINDOW, WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("records still unacknowledged after " + WAIT);
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException("a pipelined record failed: " + failure.get(), failure.get());
        }
        return count * 1e9 / elapsed;
    }

    /** The value at quantile {@code q} of {@code values} (sorted in place). */
    static long percentile(long[] values, double q) {
        Arrays.sort(values);
        int index = (int) Math.ceil(q * values.length) - 1;
        return values[Math.max(0, Math.min(values.length - 1, index))];
    }

    /** Parsed command line. */
    static final class Arguments {
        boolean quick;
        int rounds = FULL_ROUNDS;
        String label = DEFAULT_LABEL;
        Path report = Paths.get("..", "docs", "benchmarks.md");
        String commandLine = "";
        /** Sizes other than {@link #FULL} or {@link #QUICK}: for the harness's own test. */
        Sizes custom;

        Sizes sizes() {
            return custom != null ? custom : quick ? QUICK : FULL;
        }

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            boolean roundsGiven = false;
            boolean reportGiven = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick": parsed.quick = true; break;
                    case "--rounds":
                        parsed.rounds = Options.count(args, ++i, 1);
                        roundsGiven = true;
                        break;
                    case "--label": parsed.label = Options.value(args, ++i); break;
                    case "--report":
                        parsed.report = Paths.get(Options.value(args, ++i));
                        reportGiven = true;
                        break;
                    default: throw new IllegalArgumentException("Unknown option '" + args[i] + "'; expected --quick, "
                            + "--rounds N, --label TEXT or --report FILE");
                }
            }
            if (parsed.quick) {
                parsed.rounds = roundsGiven ? parsed.rounds : 1;
                parsed.report = reportGiven ? parsed.report : Paths.get("target", "kafka-report.md");
            }
            parsed.commandLine = Options.line(args);
            return parsed;
        }
    }
}
