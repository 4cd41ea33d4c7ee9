package org.wal4j.spring;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.wal4j.AccessPolicy;
import org.wal4j.AuditSink;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.config.SettingTable;
import org.wal4j.event.WalListener;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * Auto-configuration of wal4j (docs/spring.md). Binds {@link Wal4jProperties} always, so that an
 * unknown {@code wal4j.*} property fails startup even with {@code wal4j.enabled=false}; with wal4j
 * enabled (the default) it makes:
 * <ul>
 *   <li>every {@link DataSource} bean transaction-aware ({@link TransactionAwareDataSources});</li>
 *   <li>{@link JdbcSyncTargets}: a {@link JdbcSyncTarget} per {@code wal4j.targets} entry, by
 *       default one named {@value Wal4jProperties#DEFAULT_TARGET} on the application's DataSource;</li>
 *   <li>the {@link Wal} over the file log in {@code wal4j.directory}, or over the application's
 *       {@link WalStorage} bean if it defines one (a Kafka log), with {@code wal4j.settings.*},
 *       the {@link WalListener} beans, the {@link AccessPolicy} and {@link AuditSink} beans (if one
 *       of each) and the {@link Wal4jConfigurer} beans applied;</li>
 *   <li>the wrapping of {@link WalRepository} beans ({@link WalRepositoryPostProcessor});</li>
 *   <li>the {@link WalLifecycle} that starts the Wal and drains it on shutdown.</li>
 * </ul>
 * Runs after Spring Boot's DataSource auto-configuration (named, so that the class may be absent
 * or moved, as in Spring Boot 4).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@EnableConfigurationProperties(Wal4jProperties.class)
public class Wal4jAutoConfiguration {
    /** The beans of an enabled wal4j. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "wal4j", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Enabled {
        @Bean
        static TransactionAwareDataSources wal4jTransactionAwareDataSources() {
            return new TransactionAwareDataSources();
        }

        @Bean
        static WalRepositoryPostProcessor wal4jRepositoryPostProcessor(ObjectProvider<Wal> wal,
                ObjectProvider<JdbcSyncTargets> targets, ObjectProvider<Wal4jProperties> properties,
                ObjectProvider<Wal4jConfigurer> configurers) {
            return new WalRepositoryPostProcessor(wal, targets, properties, configurers);
        }

        @Bean
        JdbcSyncTargets wal4jTargets(Wal4jProperties properties, ListableBeanFactory beans,
                ObjectProvider<DataSource> dataSources, ObjectProvider<Wal4jConfigurer> configurers) {
            Map<String, Wal4jProperties.Target> named = new LinkedHashMap<>(properties.getTargets());
            if (named.isEmpty()) {
                named.put(Wal4jProperties.DEFAULT_TARGET, new Wal4jProperties.Target());
            }
            return new JdbcSyncTargets(named.entrySet().stream()
                    .map(e -> target(e.getKey(), e.getValue(), beans, dataSources, configurers))
                    .toList());
        }

        /**
         * The Wal, over the application's {@link WalStorage} bean if there is one (the Wal closes it
         * when it stops), else over the file log in {@code wal4j.directory}.
         */
        @Bean(destroyMethod = "close")
        Wal wal(Wal4jProperties properties, JdbcSyncTargets targets, ObjectProvider<WalStorage> storages,
                ObjectProvider<WalListener> listeners, ObjectProvider<AccessPolicy> accessPolicy,
                ObjectProvider<AuditSink> auditSink, ObjectProvider<Wal4jConfigurer> configurers) {
            WalStorage given = storages.getIfUnique();
            if (given == null && storages.iterator().hasNext()) {
                throw new IllegalArgumentException("the application defines several WalStorage beans and none is "
                        + "@Primary: the Wal is written to one log; mark it @Primary");
            }
            Path directory = properties.getDirectory();
            if (given != null && directory != null) {
                throw new IllegalArgumentException("wal4j.directory is set to " + directory + " but the application "
                        + "defines a WalStorage bean (" + given + "), which the Wal is written to: remove one of them");
            }
            SettingsBridge settings = SettingsBridge.of(properties.getSettings());
            WalConfig.Builder config = WalConfig.builder().load(settings.sources());
            if (given != null) {
                for (String key : properties.getSettings().keySet()) {
                    if (FileStorageConfig.settings().byProperty(SettingTable.PREFIX + key).isPresent()) {
                        throw new IllegalArgumentException("property " + SettingsBridge.PREFIX + key + " is a setting "
                                + "of the file log, but the Wal is written to the application's WalStorage bean ("
                                + given + "): configure that log where the bean is made");
                    }
                }
                configurers.orderedStream().forEach(c -> c.configureSettings(config));
                return build(given, settings(config::build), targets, listeners, accessPolicy, auditSink, configurers);
            }
            if (directory == null) {
                throw new IllegalArgumentException("wal4j.directory is required while wal4j.enabled is true: the directory "
                        + "of the log's segment files, on a local disk kept across restarts (or define a WalStorage "
                        + "bean, such as a Kafka log, or set wal4j.enabled=false)");
            }
            FileStorageConfig.Builder storage = FileStorageConfig.builder(directory).load(settings.sources());
            configurers.orderedStream().forEach(c -> {
                c.configureSettings(config);
                c.configureStorage(storage);
            });
            WalConfig walConfig = settings(config::build);
            FileWalStorage log = FileWalStorage.open(settings(storage::build));
            try {
                return build(log, walConfig, targets, listeners, accessPolicy, auditSink, configurers);
            } catch (RuntimeException e) {
                log.close();
                throw e;
            }
        }

        /** {@code built}'s value; its refusal of a setting named as a {@code wal4j.settings} property. */
        private static <T> T settings(java.util.function.Supplier<T> built) {
            try {
                return built.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("wal4j.settings: " + e.getMessage(), e);
            }
        }

        private static Wal build(WalStorage log, WalConfig walConfig, JdbcSyncTargets targets,
                ObjectProvider<WalListener> listeners, ObjectProvider<AccessPolicy> accessPolicy,
                ObjectProvider<AuditSink> auditSink, ObjectProvider<Wal4jConfigurer> configurers) {
            Wal.Builder wal = Wal.builder(log).config(walConfig);
            targets.all().forEach(wal::target);
            listeners.orderedStream().forEach(wal::listener);
            accessPolicy.ifUnique(wal::accessPolicy);
            auditSink.ifUnique(wal::auditSink);
            configurers.orderedStream().forEach(c -> c.configureWal(wal));
            return wal.build();
        }

        @Bean
        WalLifecycle wal4jLifecycle(Wal wal, Wal4jProperties properties) {
            return new WalLifecycle(wal, properties.getDrainTimeout());
        }

        private static JdbcSyncTarget target(String name, Wal4jProperties.Target settings, ListableBeanFactory beans,
                ObjectProvider<DataSource> dataSources, ObjectProvider<Wal4jConfigurer> configurers) {
            String property = "wal4j.targets." + name;
            DataSource dataSource = dataSource(property, settings.getDataSource(), beans, dataSources);
            JdbcSyncTarget.Builder target;
            try {
                target = JdbcSyncTarget.builder(name, dataSource);
                if (settings.getCreateSchema() != null) {
                    target.createSchema(settings.getCreateSchema());
                }
                if (settings.getQueryTimeout() != null) {
                    target.queryTimeout(settings.getQueryTimeout());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
            }
            configurers.orderedStream().forEach(c -> c.configureTarget(name, target));
            return target.build();
        }

        private static DataSource dataSource(String property, @org.jspecify.annotations.Nullable String beanName,
                ListableBeanFactory beans, ObjectProvider<DataSource> dataSources) {
            if (beanName != null) {
                try {
                    return beans.getBean(beanName, DataSource.class);
                } catch (NoSuchBeanDefinitionException e) {
                    throw new IllegalArgumentException(property + ".data-source names no DataSource bean: '" + beanName
                            + "'; the DataSource beans are " + List.of(beans.getBeanNamesForType(DataSource.class)), e);
                }
            }
            DataSource unique = dataSources.getIfUnique();
            if (unique == null) {
                String[] names = beans.getBeanNamesForType(DataSource.class);
                throw new IllegalArgumentException(property + ".data-source is not set and the application has "
                        + (names.length == 0 ? "no DataSource bean" : "no single DataSource bean (nor a @Primary one) but "
                        + Arrays.toString(names)) + "; wal4j applies the log to a DataSource: define one, or name it "
                        + "with " + property + ".data-source");
            }
            return unique;
        }
    }
}
