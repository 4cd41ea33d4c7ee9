package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalState;
import org.wal4j.event.EntryApplied;
import org.wal4j.event.WalListener;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.RepositoryOptions;
import org.wal4j.jdbc.TransactionAwareDataSource;
import org.wal4j.spring.ledger.InsufficientFundsException;
import org.wal4j.spring.ledger.JdbcLedgerDao;
import org.wal4j.spring.ledger.LedgerConfiguration;
import org.wal4j.spring.ledger.LedgerDao;
import org.wal4j.spring.ledger.LedgerService;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.testing.InMemoryWalStorage;

/**
 * The auto-configuration's conditions, properties and failures, on an in-memory H2 database that
 * Spring Boot's own DataSource, JdbcTemplate and transaction auto-configurations set up.
 */
class Wal4jAutoConfigurationTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path tmp;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(BootAutoConfigurations.jdbc(true))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:wal4j" + DATABASES.incrementAndGet()
                        + ";DB_CLOSE_DELAY=-1", "wal4j.directory=" + tmp.resolve("wal"));
    }

    private static String failure(AssertableApplicationContext context) {
        Throwable failure = context.getStartupFailure();
        assertNotNull(failure, "the context should not have started");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static void assertFailsWith(AssertableApplicationContext context, String expected) {
        String messages = failure(context);
        assertTrue(messages.contains(expected), "expected the failure to say: " + expected + "\nbut it said:\n" + messages);
    }

    @Test
    void wal_isBuiltAndStarted_onTheApplicationsDataSource_asTargetPrimary() {
        runner().withUserConfiguration(LedgerConfiguration.class).run(context -> {
            assertNull(context.getStartupFailure());
            Wal wal = context.getBean(Wal.class);
            assertEquals(List.of("primary"), wal.targets());
            assertEquals(WalState.RUNNING, wal.state(), "the lifecycle started it");
            assertTrue(Files.isDirectory(tmp.resolve("wal")));
            JdbcSyncTarget primary = context.getBean(JdbcSyncTargets.class).get("primary");
            DataSource dataSource = context.getBean(DataSource.class);
            assertInstanceOf(TransactionAwareDataSource.class, dataSource);
            assertSame(primary.transactionAwareDataSource(), dataSource, "the target applies through the same bean");
            assertSame(dataSource, context.getBean(JdbcTemplate.class).getDataSource(), "the application's JdbcTemplate");
            assertSame(dataSource, context.getBean(DataSourceTransactionManager.class).getDataSource(),
                    "and its transaction manager");
            assertTrue(dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class), "the pool is reachable by unwrap");
        });
    }

    private static void assertNull(Object o) {
        assertTrue(o == null, () -> "expected no startup failure but got " + o);
    }

    @Test
    void walRepository_wrapsTheDao_callsApplyOnTheApplicationsJdbcTemplateAndTransactions() {
        runner().withUserConfiguration(LedgerConfiguration.class).run(context -> {
            LedgerDao dao = context.getBean(LedgerDao.class);
            assertTrue(Proxy.isProxyClass(dao.getClass()), "the bean is the repository's proxy: " + dao.getClass());
            assertThrows(Exception.class, () -> context.getBean(JdbcLedgerDao.class), "it is no JdbcLedgerDao any more");

            assertEquals(new BigDecimal("10.00"), dao.credit("a", "t1", new BigDecimal("10.00")));
            dao.book("a", "t2", new BigDecimal("5.00"));
            InsufficientFundsException refused = assertThrows(InsufficientFundsException.class,
                    () -> dao.debit("a", "t3", new BigDecimal("100.00")));
            assertEquals("account a holds 15.00, cannot debit 100.00", refused.getMessage());
            assertEquals(new BigDecimal("12.00"), dao.debit("a", "t4", new BigDecimal("3.00")));

            Wal wal = context.getBean(Wal.class);
            wal.awaitAllApplied(Duration.ofSeconds(30)).get();
            assertEquals(new BigDecimal("12.00"), dao.balance("a"));
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertEquals(3, jdbc.queryForObject("SELECT COUNT(*) FROM ledger", Integer.class));
            assertEquals(3, jdbc.queryForObject("SELECT COUNT(*) FROM wal4j_applied_keys", Integer.class),
                    "the rejected debit recorded no key");
            // the service ran once per apply of its entry: twice when the entry shared its batch with
            // the rejected debit (the batch rolls back and its earlier entries are applied again),
            // every time on the apply transaction, its effect committed once (the 3 rows above)
            List<String> seen = context.getBean(LedgerService.class).seen();
            assertFalse(seen.isEmpty(), "the @Transactional service ran");
            for (String run : seen) {
                assertTrue(run.startsWith("transaction active=true connection=") && run.contains("TransactionBinding.Handle")
                        && run.contains("operation=LedgerDao#book"), "on the apply transaction: " + seen);
            }
        });
    }

    @Test
    void disabled_noWalNoDirectory_theDaoBeanIsTheDaoItself_sameResultsAndExceptions() {
        runner().withUserConfiguration(LedgerConfiguration.class).withPropertyValues("wal4j.enabled=false").run(context -> {
            assertNull(context.getStartupFailure());
            assertFalse(context.containsBean("wal"));
            assertTrue(context.getBeansOfType(Wal.class).isEmpty());
            assertFalse(Files.exists(tmp.resolve("wal")), "no log directory");
            assertFalse(context.getBean(DataSource.class) instanceof TransactionAwareDataSource);
            LedgerDao dao = context.getBean(LedgerDao.class);
            assertInstanceOf(JdbcLedgerDao.class, dao);
            assertEquals(new BigDecimal("10.00"), dao.credit("a", "t1", new BigDecimal("10.00")));
            InsufficientFundsException refused = assertThrows(InsufficientFundsException.class,
                    () -> dao.debit("a", "t3", new BigDecimal("100.00")));
            assertEquals("account a holds 10.00, cannot debit 100.00", refused.getMessage());
        });
    }

    @Test
    void disabled_anUnknownPropertyStillFailsStartup() {
        runner().withPropertyValues("wal4j.enabled=false", "wal4j.drain-timout=5s")
                .run(context -> assertFailsWith(context, "wal4j.drain-timout"));
    }

    @Test
    void unknownTopLevelProperty_failsStartup_namingIt() {
        runner().withPropertyValues("wal4j.directroy=/tmp/x").run(context -> assertFailsWith(context, "wal4j.directroy"));
    }

    @Test
    void invalidTypedProperty_failsStartup_namingIt() {
        runner().withPropertyValues("wal4j.drain-timeout=soon").run(context -> {
            assertFailsWith(context, "wal4j.drain-timeout");
            assertFailsWith(context, "soon");
        });
    }

    @Test
    void unknownSetting_failsStartup_withTheNearestKnownOne() {
        runner().withPropertyValues("wal4j.settings.apply.batchsize=5").run(context -> assertFailsWith(context,
                "unknown property wal4j.settings.apply.batchsize; did you mean wal4j.settings.apply.batch.size?"));
    }

    @Test
    void unknownPerTargetSetting_suggestsThePerTargetKeyOfThatTarget() {
        runner().withPropertyValues("wal4j.settings.target.primary.breaker.open.durration=5s").run(context ->
                assertFailsWith(context, "unknown property wal4j.settings.target.primary.breaker.open.durration; "
                        + "did you mean wal4j.settings.target.primary.breaker.open.duration?"));
    }

    @Test
    void settingOutOfRange_failsStartup_namingTheProperty() {
        runner().withPropertyValues("wal4j.settings.apply.batch.size=0").run(context -> assertFailsWith(context,
                "property wal4j.settings.apply.batch.size is out of range: maxBatchSize must be between 1 and 10000 "
                        + "but was 0"));
    }

    @Test
    void malformedSetting_failsStartup_namingThePropertyAndValue() {
        runner().withPropertyValues("wal4j.settings.sync.policy=SOMETIMES").run(context -> {
            assertFailsWith(context, "property wal4j.settings.sync.policy must be one of [ALWAYS, INTERVAL, NONE] "
                    + "but was 'SOMETIMES'");
        });
    }

    @Test
    void settingsDir_isRefused_pointingToWal4jDirectory() {
        runner().withPropertyValues("wal4j.settings.dir=/tmp/elsewhere").run(context -> assertFailsWith(context,
                "property wal4j.settings.dir is not a setting here: the log's directory is wal4j.directory"));
    }

    @Test
    void settingsThatContradictEachOther_failStartup_namingTheSettings() {
        runner().withPropertyValues("wal4j.settings.apply.batch.size=200", "wal4j.settings.apply.window.entries=100")
                .run(context -> {
                    assertFailsWith(context, "wal4j.settings: ");
                    assertFailsWith(context, "windowEntries");
                });
    }

    @Test
    void settings_reachTheWalTheLogAndTheRepositories() {
        runner().withUserConfiguration(LedgerConfiguration.class).withPropertyValues(
                "wal4j.settings.apply.batch.size=7", "wal4j.settings.target.primary.breaker.open.duration=3s",
                "wal4j.settings.segment.bytes=64KiB", "wal4j.settings.repository.pass.through=true",
                "wal4j.drain-timeout=2s").run(context -> {
                    assertNull(context.getStartupFailure());
                    WalConfig config = context.getBean(Wal.class).config();
                    assertEquals(7, config.maxBatchSize());
                    assertEquals(Duration.ofSeconds(3), config.breakerFor("primary").openDuration());
                    LedgerDao dao = context.getBean(LedgerDao.class);
                    dao.book("a", "t1", BigDecimal.ONE);
                    assertEquals(0L, context.getBean(Wal.class).stats().writes(), "pass-through wrote nothing to the log");
                    assertEquals(new BigDecimal("1.00"), dao.balance("a"), "and called the DAO at once");
                });
    }

    /** The application's own log, such as a Kafka log shared by its instances, made as a bean. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class OwnStorage {
        @org.springframework.context.annotation.Bean
        InMemoryWalStorage walStorage() {
            return InMemoryWalStorage.create();
        }
    }

    private ApplicationContextRunner runnerWithoutDirectory() {
        return new ApplicationContextRunner()
                .withConfiguration(BootAutoConfigurations.jdbc(true))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:wal4j" + DATABASES.incrementAndGet()
                        + ";DB_CLOSE_DELAY=-1");
    }

    @Test
    void aWalStorageBean_isTheLog_noDirectoryNeeded_andTheWalClosesIt() {
        InMemoryWalStorage[] storage = new InMemoryWalStorage[1];
        runnerWithoutDirectory().withUserConfiguration(LedgerConfiguration.class, OwnStorage.class)
                .withPropertyValues("wal4j.settings.apply.batch.size=7").run(context -> {
                    assertNull(context.getStartupFailure());
                    storage[0] = context.getBean(InMemoryWalStorage.class);
                    Wal wal = context.getBean(Wal.class);
                    assertEquals(WalState.RUNNING, wal.state());
                    assertEquals(7, wal.config().maxBatchSize(), "the Wal's settings still apply");
                    context.getBean(LedgerDao.class).book("a", "t1", BigDecimal.ONE);
                    assertEquals(1, storage[0].lastSeq(), "the call was written to the bean's log");
                    org.wal4j.testing.Await.until(() -> new BigDecimal("1.00").equals(context.getBean(LedgerDao.class)
                            .balance("a")), "applied from the bean's log");
                    assertFalse(Files.exists(tmp.resolve("wal")), "no file log");
                });
        assertEquals(org.wal4j.spi.StorageState.CLOSED, storage[0].stats().state(), "closed with the Wal");
    }

    @Test
    void aWalStorageBeanAndADirectory_orAFileLogSetting_failStartup_namingThem() {
        runner().withUserConfiguration(LedgerConfiguration.class, OwnStorage.class).run(context -> assertFailsWith(
                context, "wal4j.directory is set to " + tmp.resolve("wal") + " but the application defines a WalStorage "
                        + "bean"));
        runnerWithoutDirectory().withUserConfiguration(LedgerConfiguration.class, OwnStorage.class)
                .withPropertyValues("wal4j.settings.segment.bytes=64KiB").run(context -> assertFailsWith(context,
                        "property wal4j.settings.segment.bytes is a setting of the file log, but the Wal is written to "
                                + "the application's WalStorage bean"));
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class TwoStorages {
        @org.springframework.context.annotation.Bean
        InMemoryWalStorage one() {
            return InMemoryWalStorage.create();
        }

        @org.springframework.context.annotation.Bean
        InMemoryWalStorage two() {
            return InMemoryWalStorage.create();
        }
    }

    @Test
    void twoWalStorageBeans_nonePrimary_failStartup() {
        runnerWithoutDirectory().withUserConfiguration(LedgerConfiguration.class, TwoStorages.class).run(context ->
                assertFailsWith(context, "the application defines several WalStorage beans and none is @Primary"));
    }

    @Test
    void missingDirectory_failsStartup_sayingItIsRequired() {
        new ApplicationContextRunner()
                .withConfiguration(BootAutoConfigurations.dataSourceOnly())
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:nodir;DB_CLOSE_DELAY=-1")
                .run(context -> assertFailsWith(context, "wal4j.directory is required while wal4j.enabled is true"));
    }

    @Test
    void noDataSource_failsStartup_sayingSo() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(Wal4jAutoConfiguration.class))
                .withPropertyValues("wal4j.directory=" + tmp.resolve("wal"))
                .run(context -> assertFailsWith(context,
                        "wal4j.targets.primary.data-source is not set and the application has no DataSource bean"));
    }

    @Test
    void namedTargets_eachOnItsDataSourceBean_inOrder() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(Wal4jAutoConfiguration.class))
                .withBean("ledgerDb", DataSource.class, () -> h2("ledgerdb"))
                .withBean("auditDb", DataSource.class, () -> h2("auditdb"))
                .withPropertyValues("wal4j.directory=" + tmp.resolve("wal"),
                        "wal4j.targets.ledger.data-source=ledgerDb", "wal4j.targets.audit.data-source=auditDb",
                        "wal4j.targets.audit.create-schema=true", "wal4j.targets.audit.query-timeout=10s")
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertEquals(List.of("ledger", "audit"), context.getBean(Wal.class).targets());
                    JdbcSyncTargets targets = context.getBean(JdbcSyncTargets.class);
                    assertSame(context.getBean("auditDb"), targets.get("audit").transactionAwareDataSource());
                    assertSame(targets.get("ledger"), targets.first());
                    assertEquals(2, targets.all().size());
                    assertEquals("JdbcSyncTargets[ledger, audit]", targets.toString());
                    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> targets.get("x"));
                    assertEquals("no wal4j target 'x'; the targets are [ledger, audit] (wal4j.targets)", none.getMessage());
                });
    }

    @Test
    void twoDataSourcesAndNoneNamed_failsStartup_namingThem() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(Wal4jAutoConfiguration.class))
                .withBean("oneDb", DataSource.class, () -> h2("onedb"))
                .withBean("twoDb", DataSource.class, () -> h2("twodb"))
                .withPropertyValues("wal4j.directory=" + tmp.resolve("wal"))
                .run(context -> assertFailsWith(context, "wal4j.targets.primary.data-source is not set and the "
                        + "application has no single DataSource bean (nor a @Primary one) but [oneDb, twoDb]"));
    }

    @Test
    void targetNamingAMissingBean_failsStartup_namingTheProperty() {
        runner().withPropertyValues("wal4j.targets.primary.data-source=nope").run(context -> assertFailsWith(context,
                "wal4j.targets.primary.data-source names no DataSource bean: 'nope'; the DataSource beans are [dataSource]"));
    }

    @Test
    void invalidTargetSetting_failsStartup_namingTheTarget() {
        runner().withPropertyValues("wal4j.targets.primary.query-timeout=1500ms").run(context -> assertFailsWith(context,
                "wal4j.targets.primary: queryTimeout must be whole seconds"));
    }

    private static DataSource h2(String name) {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Test
    void configurersAndListenerBeans_areApplied_codeWinsOverProperties() {
        List<String> calls = new ArrayList<>();
        AtomicInteger applied = new AtomicInteger();
        Wal4jConfigurer configurer = new Wal4jConfigurer() {
            @Override
            public void configureSettings(WalConfig.Builder config) {
                calls.add("settings");
                config.maxBatchSize(9);
            }

            @Override
            public void configureStorage(FileStorageConfig.Builder storage) {
                calls.add("storage");
            }

            @Override
            public void configureTarget(String name, JdbcSyncTarget.Builder target) {
                calls.add("target " + name);
            }

            @Override
            public void configureWal(Wal.Builder wal) {
                calls.add("wal");
            }

            @Override
            public void configureRepository(Class<?> daoInterface, RepositoryOptions.Builder options) {
                calls.add("repository " + daoInterface.getSimpleName());
                options.applyWait(Duration.ofSeconds(20));
            }
        };
        WalListener listener = event -> {
            if (event instanceof EntryApplied) {
                applied.incrementAndGet();
            }
        };
        runner().withUserConfiguration(LedgerConfiguration.class)
                .withPropertyValues("wal4j.settings.apply.batch.size=7")
                .withBean(Wal4jConfigurer.class, () -> configurer)
                .withBean(WalListener.class, () -> listener)
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertEquals(9, context.getBean(Wal.class).config().maxBatchSize(), "code wins over wal4j.settings");
                    context.getBean(LedgerDao.class).credit("a", "t1", BigDecimal.TEN);
                    assertEquals(1, applied.get(), "the listener bean heard the apply");
                    assertEquals(List.of("target primary", "settings", "storage", "wal", "repository LedgerDao"), calls);
                });
    }

    @Test
    void walRepositoryWithoutACriticalInterface_failsStartup_sayingWhatToName() {
        runner().withBean("plain", PlainDao.class, PlainDao::new).run(context -> assertFailsWith(context,
                "bean 'plain' (" + PlainDao.class.getName() + ") is marked @WalRepository but implements no interface with "
                        + "@Critical methods; name the DAO interface: @WalRepository(YourDao.class)"));
    }

    @Test
    void walRepositoryNamingAnInterfaceTheBeanLacks_failsStartup() {
        runner().withBean("wrong", WrongInterfaceDao.class, WrongInterfaceDao::new).run(context -> assertFailsWith(context,
                "bean 'wrong' is marked @WalRepository(" + LedgerDao.class.getName()
                        + ".class), which is not an interface the bean implements"));
    }

    @Test
    void walRepositoryNamingAnUnknownTarget_failsStartup_namingTheTargets() {
        runner().withBean("elsewhere", OtherTargetDao.class, OtherTargetDao::new).run(context -> assertFailsWith(context,
                "bean 'elsewhere' is marked @WalRepository(target = \"replica\"): no wal4j target 'replica'; "
                        + "the targets are [primary] (wal4j.targets)"));
    }

    @Test
    void walRepositoryCreatedAfterTheWalStarted_isRefused_sayingWhy() {
        runner().withUserConfiguration(LedgerConfiguration.class).run(context -> {
            ConfigurableApplicationContext running = context.getSourceApplicationContext();
            Exception late = assertThrows(Exception.class, () -> running.getBeanFactory().initializeBean(new PlainCriticalDao(),
                    "late"));
            assertTrue(late.getMessage().contains("bean 'late' is marked @WalRepository but was created after the Wal "
                    + "started (state RUNNING)"), late.getMessage());
        });
    }

    @Test
    void contextClose_drainsAndStopsTheWal() {
        Wal[] wal = new Wal[1];
        runner().withUserConfiguration(LedgerConfiguration.class).run(context -> {
            wal[0] = context.getBean(Wal.class);
            context.getBean(LedgerDao.class).book("a", "t1", BigDecimal.ONE);
        });
        assertEquals(WalState.STOPPED, wal[0].state());
        assertEquals(0, wal[0].stats().unfinishedEntries(), "drained before it stopped");
    }

    @Test
    void settingsFromEnvironmentVariables_areBoundByRelaxedBinding() {
        runner().withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("WAL4J_SETTINGS_APPLY_BATCH_SIZE", "11", "WAL4J_DRAIN_TIMEOUT", "3s"))))
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertEquals(11, context.getBean(Wal.class).config().maxBatchSize());
                    assertEquals(Duration.ofSeconds(3), context.getBean(Wal4jProperties.class).getDrainTimeout());
                });
    }

    @Test
    void daoProxiedBySpringAop_isWrappedAsThatProxy_itsTransactionsRunInTheApply() {
        runner().withUserConfiguration(LedgerConfiguration.class)
                .withBean("transactionalDao", TransactionalDao.class, TransactionalDao::new)
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    Recorder dao = context.getBean(Recorder.class);
                    assertTrue(Proxy.isProxyClass(dao.getClass()));
                    dao.record("k");
                    context.getBean(Wal.class).awaitAllApplied(Duration.ofSeconds(30)).get();
                    assertEquals(List.of("transaction active=true"), TransactionalDao.SEEN,
                            "the apply called the DAO's transactional proxy, not the bare DAO");
                });
    }

    /** A critical interface for {@link TransactionalDao}. */
    public interface Recorder {
        @org.wal4j.jdbc.Critical(namespace = "recorder")
        void record(@org.wal4j.jdbc.LaneKey String key);
    }

    /** A DAO whose own method is {@code @Transactional}: Spring AOP proxies it before wal4j wraps it. */
    @WalRepository
    public static class TransactionalDao implements Recorder {
        static final List<String> SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        @org.springframework.transaction.annotation.Transactional
        public void record(String key) {
            SEEN.add("transaction active="
                    + org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive());
        }
    }

    /** Marked, but no interface with critical methods. */
    @WalRepository
    static final class PlainDao {
    }

    /** Marked with an interface it does not implement. */
    @WalRepository(LedgerDao.class)
    static final class WrongInterfaceDao implements Runnable {
        @Override
        public void run() {
        }
    }

    /** Names a target that is not configured. */
    @WalRepository(target = "replica")
    static final class OtherTargetDao extends PlainCriticalDao {
    }

    /** A critical interface, implemented without a database. */
    @WalRepository
    static class PlainCriticalDao implements LedgerDao {
        @Override
        public void book(String account, String tradeId, BigDecimal amount) {
        }

        @Override
        public BigDecimal credit(String account, String tradeId, BigDecimal amount) {
            return amount;
        }

        @Override
        public BigDecimal debit(String account, String tradeId, BigDecimal amount) {
            return amount;
        }

        @Override
        public BigDecimal balance(String account) {
            return BigDecimal.ZERO;
        }
    }
}
