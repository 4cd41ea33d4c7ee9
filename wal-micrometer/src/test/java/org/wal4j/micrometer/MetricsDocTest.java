package org.wal4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The table of meters in {@code docs/operations.md} lists exactly the meters {@link WalMetrics}
 * registers, each with its type and tag keys.
 */
@Timeout(60)
class MetricsDocTest {
    private static final Path OPERATIONS = Paths.get("..", "docs", "operations.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(wal\\.[a-z.]+)` \\| ([a-z]+)[^|]* \\| [^|]* \\| ([^|]*) \\|");
    private static final Pattern TAG = Pattern.compile("`([a-z]+)`");

    @Test
    void operationsTable_listsEveryMeter_withItsTypeAndTags() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        for (String line : Files.readAllLines(OPERATIONS)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                // the keys are the backticked words before any "=" (after it come a key's values)
                String keys = row.group(3).split("=", 2)[0];
                TreeSet<String> tags = new TreeSet<>();
                Matcher tag = TAG.matcher(keys);
                while (tag.find()) {
                    tags.add(tag.group(1));
                }
                documented.put(row.group(1), row.group(2) + " " + tags);
            }
        }

        Map<String, String> registered = new TreeMap<>();
        try (WalFixture f = new WalFixture()) {
            f.start();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            WalMetrics metrics = WalMetrics.of(f.wal, WalMetricsOptions.builder().statsMaxAge(Duration.ZERO).build());
            metrics.bindTo(registry);
            f.write("orders", "a");
            registry.get(WalMetrics.WRITES).functionCounter().count();
            for (Meter meter : registry.getMeters()) {
                if (meter.getId().syntheticAssociation() != null) {
                    continue; // a registry's own view of a timer's histogram (SimpleMeterRegistry's le gauges)
                }
                TreeSet<String> tags = new TreeSet<>();
                for (Tag tag : meter.getId().getTags()) {
                    tags.add(tag.getKey());
                }
                String type = meter.getId().getType().name().toLowerCase(Locale.ROOT);
                registered.put(meter.getId().getName(), type + " " + tags);
            }
            metrics.close();
        }
        assertEquals(registered, documented);
    }
}
