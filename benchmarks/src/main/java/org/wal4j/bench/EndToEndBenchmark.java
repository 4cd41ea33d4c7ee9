package org.wal4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Is wal4j the bottleneck between the application and its database? What
 * {@code benchmarks/run.sh --e2e} starts: the workloads of {@link EndToEndWorkloads} in one JVM,
 * one after the other, each row's rate compared with the DAO called directly by as many threads in
 * the same run.
 *
 * <pre>
 * EndToEndBenchmark [--quick] [--seconds N] [--warmup N] [--threads N] [--drain-calls N] [--backlog N]
 *                   [--wal KEY=VALUE]... [--label TEXT] [--report FILE] [--results FILE]
 * </pre>
 * <ul>
 *   <li>Full run (default): {@value #FULL_SECONDS} s measured per workload after a
 *       {@value #FULL_WARMUP} s warm-up, a drain of {@value #DEFAULT_DRAIN_CALLS} calls; about 8
 *       minutes. The section {@code --label} (default "{@value #DEFAULT_LABEL}") of
 *       {@code ../docs/benchmarks.md} is replaced.</li>
 *   <li>{@code --quick}: {@value #QUICK_SECONDS} s per workload, {@value #QUICK_WARMUP} s warm-up,
 *       a drain of {@value #QUICK_DRAIN_CALLS}: about 2 minutes, to check the harness; its report
 *       goes to {@code target/e2e-report.md} unless {@code --report} says otherwise.</li>
 *   <li>{@code --threads}: the application threads of the concurrent rows (default
 *       {@value #DEFAULT_THREADS}); the single-thread rows always run.</li>
 *   <li>{@code --backlog}: the backpressure bound while the application calls
 *       ({@code wal.backpressure.max.entries}, default {@value #DEFAULT_BACKLOG}).</li>
 *   <li>{@code --wal KEY=VALUE}: any {@code wal.*} setting of the {@code Wal} or its file log,
 *       over the harness's (repeatable), for example {@code --wal wal.apply.batch.size=500}; an
 *       unknown key fails the run naming the nearest known one.</li>
 * </ul>
 * The JSON record goes to {@code target/e2e-result.json} unless {@code --results} names another
 * file.
 *
 * <p>Not thread-safe; a command-line entry point.
 */
public final class EndToEndBenchmark {

    static final int FULL_SECONDS = 60;
    static final int FULL_WARMUP = 10;
    static final int QUICK_SECONDS = 8;
    static final int QUICK_WARMUP = 2;
    static final long DEFAULT_DRAIN_CALLS = 20_000;
    static final long QUICK_DRAIN_CALLS = 5_000;
    static final int DEFAULT_THREADS = 16;
    static final long DEFAULT_BACKLOG = 20_000;
    static final String DEFAULT_LABEL = "latest run";
    /** Longest wait for a backlog to be applied before the run fails. */
    static final Duration APPLY_TIMEOUT = Duration.ofMinutes(30);

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws IOException, SQLException {
        Arguments arguments = Arguments.parse(args);
        EndToEndRun run = run(arguments, EmbeddedPostgresServer.shared());
        run.save(arguments.results);
        EndToEndReport.write(run, arguments.report);
        System.out.print(EndToEndReport.section(run));
        System.out.println("Results in " + arguments.results.toAbsolutePath() + ", report in "
                + arguments.report.toAbsolutePath());
    }

    /** Runs every workload on {@code server} and returns the record of the run. */
    static EndToEndRun run(Arguments arguments, EmbeddedPostgresServer server) throws SQLException {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = MachineDescription.loadAverage();
        EndToEndWorkloads workloads = new EndToEndWorkloads(server, new EndToEndWorkloads.Settings(
                Duration.ofSeconds(arguments.seconds), Duration.ofSeconds(arguments.warmup), arguments.drainCalls,
                arguments.backlog, arguments.walProperties, APPLY_TIMEOUT));
        List<EndToEndResult> results = new ArrayList<>();
        int threads = arguments.threads;
        results.add(progress(workloads.direct(threads)));
        results.add(progress(workloads.repository(threads)));
        results.add(progress(workloads.sqlBatch(threads)));
        results.add(progress(workloads.drain(threads)));
        results.add(progress(workloads.direct(1)));
        results.add(progress(workloads.repository(1)));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("measured", arguments.seconds + " s per workload");
        settings.put("warm-up", arguments.warmup + " s");
        settings.put("drain", arguments.drainCalls + " calls");
        settings.put("backlog bound while calling", arguments.backlog + " entries");
        settings.put("pool", "one connection per application thread");
        Map<String, String> walProperties = new TreeMap<>();
        arguments.walProperties.forEach((key, value) -> walProperties.put(key.toString(), value.toString()));
        return new EndToEndRun(arguments.label, arguments.quick ? "quick" : "full",
                "benchmarks/run.sh --e2e" + arguments.commandLine, start.toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), loadAtStart, MachineDescription.loadAverage(),
                MachineDescription.describe(null), server.durabilitySettings(), settings, walProperties, results);
    }

    private static EndToEndResult progress(EndToEndResult result) {
        System.out.printf(java.util.Locale.ROOT, "[e2e] %-16s %,9d calls  acknowledged %s/s  applied %s/s%n",
                result.workload(), result.calls(), Format.rate(result.acknowledgedPerSecond()),
                Format.rate(result.appliedPerSecond()));
        return result;
    }

    /** Parsed command line. */
    static final class Arguments {
        boolean quick;
        int seconds = FULL_SECONDS;
        int warmup = FULL_WARMUP;
        int threads = DEFAULT_THREADS;
        long drainCalls = DEFAULT_DRAIN_CALLS;
        long backlog = DEFAULT_BACKLOG;
        final Properties walProperties = new Properties();
        String label = DEFAULT_LABEL;
        Path report = Paths.get("..", "docs", "benchmarks.md");
        Path results = Paths.get("target", "e2e-result.json");
        String commandLine = "";

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            boolean quick = List.of(args).contains("--quick");
            if (quick) {
                parsed.quick = true;
                parsed.seconds = QUICK_SECONDS;
                parsed.warmup = QUICK_WARMUP;
                parsed.drainCalls = QUICK_DRAIN_CALLS;
                parsed.report = Paths.get("target", "e2e-report.md");
            }
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick": break;
                    case "--seconds": parsed.seconds = Options.count(args, ++i, 1); break;
                    case "--warmup": parsed.warmup = Options.count(args, ++i, 0); break;
                    case "--threads": parsed.threads = Options.count(args, ++i, 1); break;
                    case "--drain-calls": parsed.drainCalls = Options.atLeast(args, ++i, 1); break;
                    case "--backlog": parsed.backlog = Options.atLeast(args, ++i, 1); break;
                    case "--wal": parsed.setting(Options.value(args, ++i)); break;
                    case "--label": parsed.label = Options.value(args, ++i); break;
                    case "--report": parsed.report = Paths.get(Options.value(args, ++i)); break;
                    case "--results": parsed.results = Paths.get(Options.value(args, ++i)); break;
                    default: throw new IllegalArgumentException("Unknown option '" + args[i] + "'; expected --quick, "
                            + "--seconds N, --warmup N, --threads N, --drain-calls N, --backlog N, --wal KEY=VALUE, "
                            + "--label TEXT, --report FILE or --results FILE");
                }
            }
            parsed.commandLine = Options.line(args);
            return parsed;
        }

        private void setting(String keyValue) {
            int equals = keyValue.indexOf('=');
            if (equals <= 0 || !keyValue.startsWith("wal.")) {
                throw new IllegalArgumentException("--wal takes a setting as wal.KEY=VALUE but was '" + keyValue + "'");
            }
            walProperties.setProperty(keyValue.substring(0, equals), keyValue.substring(equals + 1));
        }
    }
}
