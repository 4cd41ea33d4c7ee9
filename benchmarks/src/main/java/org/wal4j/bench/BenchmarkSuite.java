package org.wal4j.bench;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole comparison in one JMH run, then the report: what {@code benchmarks/run.sh} starts.
 *
 * <pre>
 * BenchmarkSuite [--quick] [--include REGEX] [--results FILE] [--report FILE] [--report-only]
 *                [--note TEXT]...
 * </pre>
 * <ul>
 *   <li>Without options: every benchmark of this module with the iterations, forks and thread
 *       counts of its own annotations (so a class run alone with JMH measures the same way), JSON to
 *       {@code target/jmh-result.json}, the report to {@code ../docs/benchmarks.md}.</li>
 *   <li>{@code --quick}: one 1-second iteration, no warm-up, to check the pipeline, not to quote.</li>
 *   <li>{@code --report-only}: rewrite the report from an existing result file.</li>
 *   <li>{@code --note}: a paragraph for the top of the report (repeatable), for example that the
 *       machine was busy.</li>
 * </ul>
 *
 * <p>Not thread-safe; a command-line entry point.
 */
public final class BenchmarkSuite {

    /** Every benchmark class of this module. */
    static final String ALL = "org\\.wal4j\\.bench\\..*Benchmark\\..*";

    private BenchmarkSuite() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        Arguments arguments = Arguments.parse(args);
        if (!arguments.reportOnly) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(arguments.include)
                    .result(arguments.results.toString())
                    .resultFormat(ResultFormatType.JSON)
                    .shouldFailOnError(true);
            if (arguments.quick) {
                options.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.seconds(1));
            }
            Instant start = Instant.now();
            String loadAtStart = MachineDescription.loadAverage();
            new Runner(options.build()).run();
            new RunRecord(start, Instant.now(), loadAtStart, MachineDescription.loadAverage(),
                    "benchmarks/run.sh" + arguments.commandLine).save(arguments.results);
        }
        BenchmarkReport.write(arguments.results, arguments.report, arguments.notes);
        System.out.println("Report written to " + arguments.report.toAbsolutePath());
    }

    /** Parsed command line. */
    static final class Arguments {
        boolean quick;
        boolean reportOnly;
        String include = ALL;
        Path results = Paths.get("target", "jmh-result.json");
        Path report = Paths.get("..", "docs", "benchmarks.md");
        final List<String> notes = new ArrayList<>();
        String commandLine = "";

        static Arguments parse(String[] args) {
            Arguments parsed = new Arguments();
            StringBuilder commandLine = new StringBuilder();
            for (int i = 0; i < args.length; i++) {
                // the notes are printed as notes: the command line only says there were some
                commandLine.append(' ').append(i > 0 && "--note".equals(args[i - 1]) ? "…" : args[i]);
            }
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick": parsed.quick = true; break;
                    case "--report-only": parsed.reportOnly = true; break;
                    case "--include": parsed.include = Options.value(args, ++i); break;
                    case "--results": parsed.results = Paths.get(Options.value(args, ++i)); break;
                    case "--report": parsed.report = Paths.get(Options.value(args, ++i)); break;
                    case "--note": parsed.notes.add(Options.value(args, ++i)); break;
                    default: throw new IllegalArgumentException("Unknown option '" + args[i] + "'; expected --quick, "
                            + "--include REGEX, --results FILE, --report FILE, --report-only or --note TEXT");
                }
            }
            parsed.commandLine = commandLine.toString();
            return parsed;
        }
    }
}
