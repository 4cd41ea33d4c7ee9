package org.wal4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark method of this module once, in this JVM, with tiny settings (no warm-up, one
 * 100 ms iteration, the small payload, a log of 2,000 entries to recover), then writes the report
 * from that run. Keeps the benchmarks compiling and running in the default suite; the figures mean
 * nothing.
 */
class BenchmarkSmokeTest {

    @TempDir
    Path temp;

    @Test
    void everyBenchmarkMethodRunsOnceAndTheReportIsWritten() throws Exception {
        Path json = temp.resolve("jmh-result.json");
        Options options = new OptionsBuilder()
                .include(BenchmarkSuite.ALL)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("payloadBytes", Payloads.SMALL)
                .param("unfinishedEntries", "2000")
                .shouldFailOnError(true)
                .result(json.toString())
                .resultFormat(ResultFormatType.JSON)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = results.stream()
                .map(r -> shortName(r.getParams().getBenchmark()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(benchmarkMethods(), ran, "benchmark methods that produced a result");
        for (RunResult result : results) {
            double score = result.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), result.getParams().getBenchmark() + " scored " + score);
        }

        Path report = temp.resolve("benchmarks.md");
        String endToEnd = EndToEndReport.PART_MARKER + "\n## End to end\n\nan earlier run's figures\n";
        Files.writeString(report, "# an older report\n\n" + endToEnd, StandardCharsets.UTF_8);
        BenchmarkReport.write(json, report, List.of("smoke test"));
        String markdown = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(markdown.endsWith("\n" + endToEnd) && !markdown.contains("an older report"),
                "the JMH report replaces the old one and keeps the end-to-end part:\n" + markdown);
        for (String expected : ran) {
            assertTrue(markdown.contains("`" + expected + "`"), "report lists " + expected + ":\n" + markdown);
        }
        for (String expected : List.of("## Machine", "| 256 |", "> smoke test", "heap per unfinished entry")) {
            assertTrue(markdown.contains(expected), "report contains '" + expected + "':\n" + markdown);
        }
        for (String unexpected : List.of("NaN", "| *not run* |", "(not run)", "| *pending* |", "| pending |",
                "not run:")) {
            assertFalse(markdown.contains(unexpected), "report contains '" + unexpected + "':\n" + markdown);
        }
    }

    /** {@code Class.method} of every {@code @Benchmark} method compiled into this module. */
    private static Set<String> benchmarkMethods() throws Exception {
        Set<String> methods = new TreeSet<>();
        for (Class<?> type : benchmarkClasses()) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Benchmark.class)) {
                    methods.add(type.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertTrue(methods.size() >= 11, "benchmark methods found: " + methods);
        return methods;
    }

    private static List<Class<?>> benchmarkClasses() throws URISyntaxException, java.io.IOException {
        Path classes = Paths.get(BenchmarkSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path packageDirectory = classes.resolve("org/wal4j/bench");
        try (Stream<Path> files = Files.list(packageDirectory)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith("Benchmark.class"))
                    .map(name -> "org.wal4j.bench." + name.substring(0, name.length() - ".class".length()))
                    .map(BenchmarkSmokeTest::load)
                    .collect(Collectors.toList());
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("Cannot load " + name, e);
        }
    }

    private static String shortName(String benchmark) {
        return benchmark.substring("org.wal4j.bench.".length());
    }
}
