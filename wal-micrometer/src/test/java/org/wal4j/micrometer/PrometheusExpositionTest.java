package org.wal4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The names Prometheus sees, from a real {@link PrometheusMeterRegistry}: what the design's alerts
 * ({@code wal_lag_seconds{namespace=…}}, {@code wal_unapplied_entries{namespace=…}}) and
 * {@code docs/operations.md} name.
 */
@Timeout(60)
class PrometheusExpositionTest {
    private final WalFixture f = new WalFixture();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WalMetrics metrics = WalMetrics.of(f.wal, WalMetricsOptions.builder().statsMaxAge(Duration.ZERO).build());

    @AfterEach
    void tearDown() {
        metrics.close();
        f.close();
        registry.close();
    }

    private static String line(String scrape, String prefix) {
        List<String> lines = scrape.lines().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
        assertEquals(1, lines.size(), "one line starting with " + prefix + " in:\n" + scrape);
        return lines.get(0);
    }

    @Test
    void scrape_namesTheSeriesAsTheAlertsDo() {
        f.replica.down();
        f.start();
        metrics.bindTo(registry);
        f.write("orders", "a");
        f.advance(Duration.ofSeconds(4));
        registry.scrape(); // finds the namespace "orders" and registers its series
        String scrape = registry.scrape();

        assertEquals("wal_lag_seconds{namespace=\"orders\",target=\"replica\"} 4.0",
                line(scrape, "wal_lag_seconds{namespace=\"orders\",target=\"replica\"}"));
        assertEquals("wal_unapplied_entries{namespace=\"orders\",target=\"replica\"} 1.0",
                line(scrape, "wal_unapplied_entries{namespace=\"orders\",target=\"replica\"}"));
        assertEquals("wal_unapplied_entries{namespace=\"orders\",target=\"primary\"} 0.0",
                line(scrape, "wal_unapplied_entries{namespace=\"orders\",target=\"primary\"}"));
        assertEquals("wal_oldest_pending_age_seconds{target=\"replica\"} 4.0",
                line(scrape, "wal_oldest_pending_age_seconds{target=\"replica\"}"));
        assertEquals("wal_dead_letters{target=\"primary\"} 0.0", line(scrape, "wal_dead_letters{target=\"primary\"}"));
        assertEquals("wal_state{state=\"running\"} 1.0", line(scrape, "wal_state{state=\"running\"}"));
        assertEquals("wal_entries_applied_total{target=\"primary\"} 1.0",
                line(scrape, "wal_entries_applied_total{target=\"primary\"}"));
        assertEquals("wal_writes_total 1.0", line(scrape, "wal_writes_total "));
        for (String name : List.of("wal_breaker_state{state=\"open\",target=\"replica\"}",
                "wal_retries_total{target=\"replica\"}", "wal_entries_dead_lettered_total{target=\"primary\"}",
                "wal_entries_rejected_total{target=\"primary\"}", "wal_entries_expired_total{target=\"replica\"}",
                "wal_writes_duplicate_total ", "wal_write_latency_seconds_count 1",
                "wal_write_latency_seconds_bucket{le=\"0.002\"}", "wal_write_latency_seconds_max ",
                "wal_apply_latency_seconds_count{target=\"primary\"}",
                "wal_apply_latency_seconds_bucket{target=\"replica\",le=\"")) {
            assertTrue(scrape.contains(name), name + " in:\n" + scrape);
        }
    }
}
