package org.wal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.wal4j.WalConfig;
import org.wal4j.testing.ManualClock;

class BreakersTest {
    /** An import of another project's {@code internal} package (ours, org.wal4j.internal, is fine). */
    private static final Pattern FOREIGN_INTERNAL_IMPORT =
            Pattern.compile("^import\\s+(?!org\\.wal4j\\.)[\\w.]*\\.internal\\.[\\w.]+;", Pattern.MULTILINE);

    @Test
    void breaker_opensAndHalfOpensOnTheGivenClock_notOnRealTime() {
        ManualClock clock = ManualClock.atEpochOfTests();
        WalConfig config = WalConfig.builder().breakerSlidingWindowSize(2).breakerMinimumCalls(2)
                .breakerOpenDuration(Duration.ofSeconds(30)).build();
        CircuitBreaker breaker = Breakers.create("primary", config.breakerFor("primary"), clock);
        for (int i = 0; i < 2; i++) {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onError(1, TimeUnit.MILLISECONDS, new IllegalStateException("down"));
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.getState());

        clock.advance(Duration.ofSeconds(30));
        assertFalse(breaker.tryAcquirePermission(), "still open at exactly the open duration");
        clock.advance(Duration.ofMillis(1));
        assertTrue(breaker.tryAcquirePermission(), "half-open once the injected clock is past the open duration");
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.getState());
    }

    @Test
    void mainCode_importsNoInternalPackageOfAnotherLibrary() throws IOException {
        Path main = Paths.get("src", "main", "java");
        assertTrue(Files.isDirectory(main), "run from the module directory: " + main.toAbsolutePath());
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> FOREIGN_INTERNAL_IMPORT.matcher(read(f)).find())
                    .map(f -> main.relativize(f).toString())
                    .sorted()
                    .collect(Collectors.toList());
        }
        assertEquals(List.of(), offenders, "classes importing another library's internal package");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
