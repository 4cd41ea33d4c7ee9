package org.wal4j.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.wal4j.Wal;
import org.wal4j.micrometer.WalMetrics;
import org.wal4j.micrometer.WalMetricsOptions;
import org.wal4j.micrometer.WalObservations;

/**
 * Micrometer for the auto-configured {@link Wal} (docs/spring.md, "Metrics and tracing"), with
 * wal-micrometer on the class path and {@code wal4j.enabled} true:
 * <ul>
 *   <li>with a {@link MeterRegistry} bean: a {@link WalMetrics} bean, a {@code MeterBinder} that
 *       Spring Boot's metrics auto-configuration binds to the application's registry, with the
 *       options of {@code wal4j.metrics.*}; closed (its meters removed) before the Wal closes;</li>
 *   <li>with an {@link ObservationRegistry} bean: a {@link Wal4jConfigurer} that gives the Wal
 *       {@link WalObservations#of(ObservationRegistry)} as its instrumentation, so that with
 *       Micrometer Tracing a request's trace runs on through {@code wal4j.write} to
 *       {@code wal4j.apply} and the DAO's database calls. It runs first of the configurers: an
 *       application's own configurer may replace the instrumentation.</li>
 * </ul>
 * Runs after Spring Boot's meter and observation registries are defined (named for Spring Boot 3.5
 * and 4.0, as either may be absent).
 */
@AutoConfiguration(after = Wal4jAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass(WalMetrics.class)
@ConditionalOnProperty(prefix = "wal4j", name = "enabled", havingValue = "true", matchIfMissing = true)
public class Wal4jMicrometerAutoConfiguration {
    /** The Wal's meters, for the application's meter registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean({MeterRegistry.class, Wal.class})
    static class Metrics {
        @Bean(destroyMethod = "close")
        WalMetrics walMetrics(Wal wal, Wal4jProperties properties) {
            return WalMetrics.of(wal, options(properties.getMetrics()));
        }

        static WalMetricsOptions options(Wal4jProperties.Metrics properties) {
            WalMetricsOptions.Builder options = WalMetricsOptions.builder();
            try {
                Integer maxNamespaces = properties.getMaxNamespaces();
                if (maxNamespaces != null) {
                    options.maxNamespaces(maxNamespaces);
                }
                if (properties.getStatsMaxAge() != null) {
                    options.statsMaxAge(properties.getStatsMaxAge());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("wal4j.metrics: " + e.getMessage(), e);
            }
            return options.build();
        }
    }

    /** The Wal's observations, for the application's observation registry (and its tracer). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationRegistry.class)
    @ConditionalOnBean(ObservationRegistry.class)
    static class Observations {
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        Wal4jConfigurer wal4jObservations(ObjectProvider<ObservationRegistry> registry) {
            return new Wal4jConfigurer() {
                @Override
                public void configureWal(Wal.Builder wal) {
                    wal.instrumentation(WalObservations.of(registry.getObject()));
                }

                @Override
                public String toString() {
                    return "Wal4jConfigurer{instrumentation=WalObservations}";
                }
            };
        }
    }
}
