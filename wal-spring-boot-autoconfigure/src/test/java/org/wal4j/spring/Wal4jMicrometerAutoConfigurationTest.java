package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.wal4j.Wal;
import org.wal4j.micrometer.WalMetrics;
import org.wal4j.micrometer.WalObservations;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spring.ledger.LedgerConfiguration;
import org.wal4j.spring.ledger.LedgerDao;
import org.wal4j.testing.Await;

/**
 * {@link Wal4jMicrometerAutoConfiguration}'s conditions and properties, on in-memory H2 with the
 * application's own registries as beans (no Actuator): the meters' binder exists only with a
 * {@code MeterRegistry}, the observations reach the Wal only with an {@code ObservationRegistry},
 * and {@code wal4j.enabled=false} makes neither.
 */
class Wal4jMicrometerAutoConfigurationTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path tmp;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(BootAutoConfigurations.jdbc(true))
                .withConfiguration(AutoConfigurations.of(Wal4jMicrometerAutoConfiguration.class))
                .withUserConfiguration(LedgerConfiguration.class)
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:micrometer" + DATABASES.incrementAndGet()
                        + ";DB_CLOSE_DELAY=-1", "wal4j.directory=" + tmp.resolve("wal"));
    }

    /** The application's registries: a meter registry, and an observation registry that records names. */
    @Configuration(proxyBeanMethods = false)
    static class Registries {
        final List<String> observed = new CopyOnWriteArrayList<>();

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ObservationRegistry observationRegistry() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new ObservationHandler<>() {
                @Override
                public void onStop(Observation.Context context) {
                    observed.add(context.getName());
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            });
            return registry;
        }
    }

    /** An application configurer that turns the instrumentation off again. */
    @Configuration(proxyBeanMethods = false)
    static class NoInstrumentation {
        @Bean
        Wal4jConfigurer noInstrumentation() {
            return new Wal4jConfigurer() {
                @Override
                public void configureWal(Wal.Builder wal) {
                    wal.instrumentation(Instrumentation.NONE);
                }
            };
        }
    }

    private static void assertStarted(AssertableApplicationContext context) {
        Throwable failure = context.getStartupFailure();
        assertTrue(failure == null, () -> "expected no startup failure but got " + failure);
    }

    private static List<String> bookAndObserve(AssertableApplicationContext context) throws Exception {
        context.getBean(LedgerDao.class).book("a", "t1", new BigDecimal("1.00"));
        context.getBean(Wal.class).awaitAllApplied(Duration.ofSeconds(30)).get();
        return context.getBean(Registries.class).observed;
    }

    @Test
    void walMetrics_isABinderForTheWal_withTheMetricsProperties_whenAMeterRegistryExists() {
        runner().withUserConfiguration(Registries.class)
                .withPropertyValues("wal4j.metrics.max-namespaces=7", "wal4j.metrics.stats-max-age=250ms")
                .run(context -> {
                    assertStarted(context);
                    WalMetrics metrics = context.getBean(WalMetrics.class);
                    assertTrue(metrics.toString().endsWith("WalMetricsOptions{tags=[], maxNamespaces=7, statsMaxAge=PT0.25S}}"),
                            metrics::toString);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    metrics.bindTo(registry);   // no Actuator here to bind it
                    context.getBean(LedgerDao.class).book("a", "t1", new BigDecimal("1.00"));
                    context.getBean(Wal.class).awaitAllApplied(Duration.ofSeconds(30)).get();
                    // the counter reads a stats snapshot up to stats-max-age old
                    Await.until(() -> registry.get(WalMetrics.APPLIED).tag("target", "primary").functionCounter().count() == 1.0,
                            "wal.entries.applied to count the entry");
                    context.close();
                    assertTrue(registry.find(WalMetrics.APPLIED).meters().isEmpty(), "closed with the context: meters removed");
                });
    }

    @Test
    void walMetrics_hasTheOptionsDefaults_whenNoPropertyIsSet() {
        runner().withUserConfiguration(Registries.class).run(context -> {
            assertStarted(context);
            assertTrue(context.getBean(WalMetrics.class).toString()
                    .endsWith("WalMetricsOptions{tags=[], maxNamespaces=100, statsMaxAge=PT1S}}"));
        });
    }

    @Test
    void noMeterRegistry_noObservationRegistry_noWalMetrics_noObservations() {
        runner().run(context -> {
            assertStarted(context);
            assertTrue(context.getBeansOfType(WalMetrics.class).isEmpty());
            assertTrue(context.getBeansOfType(Wal4jConfigurer.class).isEmpty());
        });
    }

    @Test
    void disabled_noWalMetrics_noObservations_evenWithRegistries() {
        runner().withUserConfiguration(Registries.class).withPropertyValues("wal4j.enabled=false").run(context -> {
            assertStarted(context);
            assertTrue(context.getBeansOfType(WalMetrics.class).isEmpty());
            assertTrue(context.getBeansOfType(Wal4jConfigurer.class).isEmpty());
            context.getBean(LedgerDao.class).book("a", "t1", new BigDecimal("1.00"));
            assertEquals(List.of(), context.getBean(Registries.class).observed);
        });
    }

    @Test
    void observationRegistry_observesTheWalsWritesAndApplies() {
        runner().withUserConfiguration(Registries.class).run(context -> {
            assertStarted(context);
            List<String> observed = bookAndObserve(context);
            assertTrue(observed.contains(WalObservations.WRITE) && observed.contains(WalObservations.APPLY),
                    "observed: " + observed);
        });
    }

    @Test
    void anApplicationsConfigurer_replacesTheInstrumentation() {
        runner().withUserConfiguration(Registries.class, NoInstrumentation.class).run(context -> {
            assertStarted(context);
            assertEquals(List.of(), bookAndObserve(context));
        });
    }

    @Test
    void invalidMetricsProperty_failsStartup_namingIt() {
        runner().withUserConfiguration(Registries.class).withPropertyValues("wal4j.metrics.max-namespaces=0").run(context -> {
            Throwable failure = context.getStartupFailure();
            assertNotNull(failure);
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertTrue(messages.toString().contains(
                    "wal4j.metrics: maxNamespaces must be between 1 and 10000 but was 0"), messages::toString);
        });
    }
}
