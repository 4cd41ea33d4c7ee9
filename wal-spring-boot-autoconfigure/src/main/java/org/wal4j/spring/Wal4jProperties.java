package org.wal4j.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code wal4j.*} properties. The essentials are typed here ({@code enabled}, {@code directory},
 * {@code drain-timeout}, {@code targets}; the Actuator's {@code health} and {@code actuator}); every
 * setting of wal4j's own tables (docs/configuration.md:
 * {@code WalConfig}, {@code FileStorageConfig}, the repository's pass-through switch) is set under
 * {@code wal4j.settings.}, its property without the leading {@code wal.}: {@code wal.apply.batch.size}
 * is {@code wal4j.settings.apply.batch.size}. Those are checked against the tables when the
 * {@code Wal} is built, so the tables stay the one description of each setting.
 *
 * <p>Unknown {@code wal4j.*} properties fail the binding ({@code ignoreUnknownFields = false}), so
 * a typo fails startup instead of being ignored.
 *
 * <p>A mutable JavaBean, as Spring Boot binds it; not thread-safe, read once at startup.
 */
@ConfigurationProperties(prefix = "wal4j", ignoreUnknownFields = false)
public class Wal4jProperties {
    /** The name of the target made when {@code wal4j.targets} names none: {@value}. */
    public static final String DEFAULT_TARGET = "primary";

    /**
     * Whether wal4j is on. When false: no Wal, no log directory, no wrapping; beans marked
     * WalRepository are the DAO beans themselves (their calls go straight to the database).
     */
    private boolean enabled = true;

    /**
     * The log's directory: its segment files and LOCK file (created if missing). Required when wal4j
     * is enabled, unless the application defines a WalStorage bean (a Kafka log), which the Wal is
     * then written to. Use a local disk the process keeps across restarts, not a temporary directory.
     */
    private @Nullable Path directory;

    /**
     * On shutdown, how long to wait for every entry written so far to be settled for every target
     * (Wal.awaitAllApplied) before stopping the Wal; what is still unapplied then stays in the log
     * for the next start, and is logged.
     */
    private Duration drainTimeout = Duration.ofSeconds(30);

    /**
     * The JDBC targets by name (at most 32), in order; the first is every repository's default. When
     * none is named, one target "primary" on the application's DataSource.
     */
    private Map<String, Target> targets = new LinkedHashMap<>();

    /**
     * wal4j's table-driven settings (docs/configuration.md), each under its property without "wal.":
     * wal4j.settings.apply.batch.size=500, wal4j.settings.sync.policy=INTERVAL,
     * wal4j.settings.target.primary.breaker.open.duration=5s, wal4j.settings.repository.pass.through=true.
     * Unknown keys and invalid values fail startup naming the property. wal.dir is wal4j.directory.
     */
    private Map<String, String> settings = new LinkedHashMap<>();

    /** The Actuator health indicator "wal4j" (with Spring Boot Actuator only). */
    private final Health health = new Health();

    /** The Actuator endpoint "wal4j" (with Spring Boot Actuator only). */
    private final Actuator actuator = new Actuator();

    /** The Micrometer meters of the Wal (wal4j.metrics.*), when the application has a MeterRegistry. */
    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable Path getDirectory() {
        return directory;
    }

    public void setDirectory(@Nullable Path directory) {
        this.directory = directory;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public Map<String, Target> getTargets() {
        return targets;
    }

    public void setTargets(Map<String, Target> targets) {
        this.targets = targets;
    }

    public Map<String, String> getSettings() {
        return settings;
    }

    public void setSettings(Map<String, String> settings) {
        this.settings = settings;
    }

    public Health getHealth() {
        return health;
    }

    public Actuator getActuator() {
        return actuator;
    }

    /** The health indicator: {@code wal4j.health.*} (docs/spring.md, Actuator). */
    public static class Health {
        /** The default of {@code wal4j.health.timeout}: 2 seconds. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
        /** The default of {@code wal4j.health.degraded-status}: {@value}. */
        public static final String DEFAULT_DEGRADED_STATUS = "DEGRADED";

        /**
         * The longest a health check waits for the Wal's figures before it answers with the degraded
         * status and the detail "timeout"; more than 0. Default 2s (DEFAULT_TIMEOUT).
         */
        private Duration timeout = DEFAULT_TIMEOUT;

        /**
         * The status reported while a target's circuit breaker is open or half-open (its database is
         * down or just recovering) and the Wal keeps accepting writes. Default DEGRADED, which Spring
         * Boot answers with HTTP 200; list it in management.endpoint.health.status.order to let it
         * reach the aggregate. OUT_OF_SERVICE (HTTP 503) takes the instance out of a load balancer.
         */
        private String degradedStatus = DEFAULT_DEGRADED_STATUS;

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("wal4j.health.timeout must be more than 0 but was " + timeout);
            }
            this.timeout = timeout;
        }

        public String getDegradedStatus() {
            return degradedStatus;
        }

        public void setDegradedStatus(String degradedStatus) {
            if (degradedStatus.isBlank()) {
                throw new IllegalArgumentException("wal4j.health.degraded-status must not be blank");
            }
            this.degradedStatus = degradedStatus;
        }
    }

    /** The endpoint: {@code wal4j.actuator.*} (docs/spring.md, Actuator). */
    public static class Actuator {
        /** The default of {@code wal4j.actuator.admin-role}: {@value}. */
        public static final String DEFAULT_ADMIN_ROLE = "WAL4J_ADMIN";

        /**
         * The role (Spring Security authority ROLE_&lt;role&gt;, or the authority itself) a caller of the
         * endpoint must hold to requeue or discard a dead letter; it is also the permission the caller's
         * wal4j UserContext carries. Without Spring Security, the endpoint's user "actuator" holds it.
         */
        private String adminRole = DEFAULT_ADMIN_ROLE;

        public String getAdminRole() {
            return adminRole;
        }

        public void setAdminRole(String adminRole) {
            if (adminRole.isBlank()) {
                throw new IllegalArgumentException("wal4j.actuator.admin-role must not be blank");
            }
            this.adminRole = adminRole;
        }
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /**
     * One JDBC target: {@code wal4j.targets.<name>.*}. Settings left unset keep
     * {@code JdbcSyncTarget.Builder}'s defaults; the others are set in code with a
     * {@link Wal4jConfigurer#configureTarget}.
     */
    public static class Target {
        /**
         * The name of the DataSource bean the target applies to; default: the application's
         * DataSource (the only one, or the @Primary one).
         */
        private @Nullable String dataSource;

        /**
         * Whether the target creates its bookkeeping tables if missing (false: they must exist, for
         * schemas managed by a migration tool); default JdbcSyncTarget.DEFAULT_CREATE_SCHEMA (true).
         */
        private @Nullable Boolean createSchema;

        /**
         * Timeout of each statement the target runs itself, whole seconds, 0 for none; default
         * JdbcSyncTarget.DEFAULT_QUERY_TIMEOUT (30 s).
         */
        private @Nullable Duration queryTimeout;

        public @Nullable String getDataSource() {
            return dataSource;
        }

        public void setDataSource(@Nullable String dataSource) {
            this.dataSource = dataSource;
        }

        public @Nullable Boolean getCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(@Nullable Boolean createSchema) {
            this.createSchema = createSchema;
        }

        public @Nullable Duration getQueryTimeout() {
            return queryTimeout;
        }

        public void setQueryTimeout(@Nullable Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
        }
    }

    /**
     * The options of the Wal's meters ({@code wal4j.metrics.*}, {@code WalMetricsOptions} of
     * wal-micrometer); settings left unset keep {@code WalMetricsOptions}' defaults. Plain types, so
     * that these properties bind without wal-micrometer on the class path.
     */
    public static class Metrics {
        /**
         * How many namespaces get wal_lag_seconds and wal_unapplied_entries series of their own per
         * target; later ones share namespace="(other)". Between 1 and
         * WalMetricsOptions.MAX_NAMESPACES_LIMIT (10000); default WalMetricsOptions.DEFAULT_MAX_NAMESPACES (100).
         */
        private @Nullable Integer maxNamespaces;

        /**
         * How long one Wal.stats() snapshot serves the gauges, so a scrape takes one. Between 0 and
         * WalMetricsOptions.STATS_MAX_AGE_LIMIT (1 min); default WalMetricsOptions.DEFAULT_STATS_MAX_AGE (1 s).
         */
        private @Nullable Duration statsMaxAge;

        public @Nullable Integer getMaxNamespaces() {
            return maxNamespaces;
        }

        public void setMaxNamespaces(@Nullable Integer maxNamespaces) {
            this.maxNamespaces = maxNamespaces;
        }

        public @Nullable Duration getStatsMaxAge() {
            return statsMaxAge;
        }

        public void setStatsMaxAge(@Nullable Duration statsMaxAge) {
            this.statsMaxAge = statsMaxAge;
        }
    }
}
