package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.Trade;

/**
 * What {@link DurableRepository#wrap} refuses, and with which message: every mistake that can be
 * seen from the interface and the options is reported before a proxy exists, naming the method,
 * the argument, the type and the fix. Also the options' own checks, and the options-only
 * configuration for DAOs that cannot be annotated.
 */
class RepositoryWrapTest {
    @TempDir
    Path logDir;
    private MemoryRepository repository;

    @BeforeEach
    void open() {
        repository = new MemoryRepository(logDir);
    }

    @AfterEach
    void close() {
        repository.close();
    }

    static class ConcreteDao {
    }

    interface Plain {
        void write(String key);

        String read(String key);
    }

    interface NoKey {
        @Critical
        void write(String key);
    }

    interface TwoKeys {
        @Critical
        void write(@LaneKey String a, @LaneKey String b); // a write of two lanes is fine

        String read(@LaneKey String a, @LaneKey String b);
    }

    interface KeylessWithKey {
        @Critical(keyless = true)
        void write(@LaneKey String key);
    }

    interface BadKey {
        @Critical
        void write(@LaneKey Trade trade);
    }

    interface Abstract {
        @Critical
        void anything(@LaneKey String key, Object value);

        @Critical
        void number(@LaneKey String key, Number value);
    }

    interface MethodGeneric {
        @Critical
        <X> void generic(@LaneKey String key, X value);
    }

    interface Store<T> {
        @Critical
        void save(@LaneKey String key, T item);
    }

    @SuppressWarnings("rawtypes")
    interface RawStore extends Store {
    }

    interface TradeStore extends Store<Trade> {
    }

    interface NeedsModules {
        @Critical
        void at(@LaneKey String key, Instant when);
    }

    static final class Empty {
    }

    static final class StringCreatorOnly {
        private final String value;

        StringCreatorOnly(String value) {
            this.value = value;
        }

        public String getValue() {
            return value;
        }
    }

    interface Unreadable {
        @Critical
        void empty(@LaneKey String key, Empty value);
    }

    interface Targeted {
        @Critical(targets = "replica")
        void write(@LaneKey String key);
    }

    interface Valued {
        @Critical
        BigDecimal book(@LaneKey String key);
    }

    interface Duplicates {
        @Critical(operation = "same")
        void a(@LaneKey String key);

        @Critical(operation = "same")
        void b(@LaneKey String key);
    }

    interface BadNamespace {
        @Critical(namespace = "no spaces")
        void write(@LaneKey String key);
    }

    static final class PlainDao implements Plain, NoKey {
        @Override
        public void write(String key) {
        }

        @Override
        public String read(String key) {
            return "read " + key;
        }
    }

    private static RepositoryOptions.Builder options() {
        return RepositoryOptions.builder();
    }

    private <T> IllegalArgumentException refused(Class<T> daoInterface, T dao) {
        return refused(daoInterface, dao, options());
    }

    private <T> IllegalArgumentException refused(Class<T> daoInterface, T dao, RepositoryOptions.Builder options) {
        return refusedOn(repository.target, daoInterface, dao, options);
    }

    private <T> IllegalArgumentException refusedOn(JdbcSyncTarget target, Class<T> daoInterface, T dao,
                                                   RepositoryOptions.Builder options) {
        return assertThrows(IllegalArgumentException.class, () -> DurableRepository.builder(daoInterface)
                .target(target, dao).options(options.build()).build(repository.wal));
    }

    @SuppressWarnings("unchecked")
    private static <T> T dao(Class<T> daoInterface) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(daoInterface.getClassLoader(), new Class<?>[] {daoInterface},
                (proxy, method, args) -> null);
    }

    @Test
    void aClass_isNotAnInterface() {
        assertEquals(ConcreteDao.class.getName() + " is not an interface: DurableRepository wraps a DAO interface (with a "
                + "JDK dynamic proxy, which implements interfaces only)", refused(ConcreteDao.class, new ConcreteDao())
                .getMessage());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aDaoThatDoesNotImplementTheInterface_isRefused() {
        Object notADao = "a string";
        assertEquals("the DAO instance of target 'primary' is a java.lang.String, which does not implement "
                + Plain.class.getName(), refused((Class) Plain.class, notADao).getMessage());
    }

    @Test
    void laneKeys_mustBeMarkedOnce_andBeTextTypes() {
        assertEquals("NoKey.write(String) is @Critical but has no @LaneKey parameter: mark the parameter whose value orders "
                + "its calls (an account id), or declare @Critical(keyless = true) to apply every call of its namespace one "
                + "after the other in one lane", refused(NoKey.class, dao(NoKey.class)).getMessage());
        assertEquals("TwoKeys.read(String, String) marks 2 parameters @LaneKey (arguments [0, 1]); a read flushes one lane",
                refused(TwoKeys.class, dao(TwoKeys.class), options().readYourWrites(java.time.Duration.ofSeconds(1)))
                        .getMessage());
        assertEquals("KeylessWithKey.write(String) is @Critical(keyless = true) but marks argument 0 @LaneKey; remove one "
                + "of them", refused(KeylessWithKey.class, dao(KeylessWithKey.class)).getMessage());
        assertEquals("BadKey.write(Trade): argument 0 (Trade) cannot be a lane key: " + Trade.class.getName() + " has no "
                + "text that names its value; use a String, an integer type, a char, a UUID or an enum",
                refused(BadKey.class, dao(BadKey.class)).getMessage());
    }

    @Test
    void argumentTypesThatLoseTheirClass_areRefused() {
        String fix = " does not say which class a value has, so a value would come back from the log as another class; "
                + "declare a concrete type, or give it Jackson type information (@JsonTypeInfo)";
        RepositoryOptions.Builder onlyAnything = options();
        assertEquals("Abstract.anything(String, Object): argument 1 (Object): java.lang.Object" + fix,
                refused(Abstract.class, dao(Abstract.class), onlyAnything).getMessage());
        assertEquals("AbstractNumber.number(String, Number): argument 1 (Number): java.lang.Number" + fix,
                refused(AbstractNumber.class, dao(AbstractNumber.class)).getMessage());
        assertEquals("AbstractNumbers.numbers(String, List): argument 1 (List<Number>): java.lang.Number" + fix,
                refused(AbstractNumbers.class, dao(AbstractNumbers.class)).getMessage());
    }

    interface AbstractNumber {
        @Critical
        void number(@LaneKey String key, Number value);
    }

    interface AbstractNumbers {
        @Critical
        void numbers(@LaneKey String key, List<Number> values);
    }

    @Test
    void typeVariablesOnlyTheCallerKnows_areRefused_thoseTheInterfaceFixesAreResolved() {
        assertEquals("MethodGeneric.generic(String, Object): argument 1 (X) has type variable X, whose concrete type is "
                + "only known to the caller, not to the code that reads the log; declare a concrete type",
                refused(MethodGeneric.class, dao(MethodGeneric.class)).getMessage());
        assertEquals("RawStore.save(String, Object): argument 1 (T) has type variable T, whose concrete type is only known "
                + "to the caller, not to the code that reads the log; declare a concrete type",
                refused(RawStore.class, dao(RawStore.class)).getMessage());

        TradeStore store = repository.wrap(TradeStore.class, dao(TradeStore.class), o -> o);
        store.save("k", new Trade("t-1", new BigDecimal("1.50"), 1));
        assertEquals("[\"k\",{\"tradeId\":\"t-1\",\"amount\":1.50,\"sequence\":1}]", entries().get(0).payload());
        assertEquals("TradeStore#save(String,Object)", entries().get(0).operation());
    }

    @Test
    void typesTheMapperCannotHandle_areRefused() {
        String modules = " is not supported by the ObjectMapper (Jackson needs a module for it, such as "
                + "jackson-datatype-jsr310 for java.time or jackson-datatype-jdk8 for Optional; register it on the mapper "
                + "passed to RepositoryOptions.objectMapper)";
        assertEquals("NeedsModules.at(String, Instant): argument 1 (Instant): java.time.Instant" + modules,
                refused(NeedsModules.class, dao(NeedsModules.class)).getMessage());
        assertEquals("OnlyOptional.maybe(String, Optional): argument 1 (Optional<String>): "
                + "java.util.Optional<java.lang.String>" + modules, refused(OnlyOptional.class, dao(OnlyOptional.class))
                .getMessage());
        assertEquals("Unreadable.empty(String, Empty): argument 1 (RepositoryWrapTest$Empty): " + Empty.class.getName()
                + " has no properties Jackson can write (no public fields or getters), so its value would not reach the log",
                refused(Unreadable.class, dao(Unreadable.class)).getMessage());
        assertEquals("OnlyStringCreator.fromString(String, StringCreatorOnly): argument 1 "
                + "(RepositoryWrapTest$StringCreatorOnly): Jackson writes a " + StringCreatorOnly.class.getName()
                + " as an object of its properties but cannot create one from them when reading the log: it needs a "
                + "no-argument constructor, a @JsonCreator constructor or factory taking its properties, or to be a record",
                refused(OnlyStringCreator.class, dao(OnlyStringCreator.class)).getMessage());
    }

    interface OnlyOptional {
        @Critical
        void maybe(@LaneKey String key, Optional<String> value);
    }

    interface OnlyStringCreator {
        @Critical
        void fromString(@LaneKey String key, StringCreatorOnly value);
    }

    @Test
    void targetsAndResults_thatCannotWork_areRefused() {
        JdbcSyncTarget elsewhere = JdbcSyncTarget.builder("elsewhere", repository.dataSource).build();
        assertEquals("target 'elsewhere' is not a target of the Wal; its targets: [primary] (a JdbcSyncTarget must be "
                + "added to the Wal under its own name)", refusedOn(elsewhere, Plain.class, new PlainDao(),
                options()).getMessage());
        assertEquals("Targeted.write(String) is @Critical for target 'replica', but the repository has no DAO instance "
                + "for 'replica'; targets with a DAO instance: [primary]",
                refused(Targeted.class, dao(Targeted.class)).getMessage());
        assertEquals("Valued.book(String) returns BigDecimal, which only the apply can produce, but "
                + "RepositoryOptions.applyWait is 0, so a call could never return it; set an applyWait, or return void or "
                + "CompletableFuture", refused(Valued.class, dao(Valued.class), options()
                .applyWait(Duration.ZERO)).getMessage());
        JdbcSyncTarget forgetful = JdbcSyncTarget.builder("primary", repository.dataSource)
                .appliedKeysRetention(Duration.ofDays(1)).build();
        assertEquals("target 'primary' keeps applied keys for PT24H (appliedKeysRetention), less than the Wal's retention "
                + "PT168H: an entry still in the log could be delivered again after its key was purged, and be applied "
                + "twice; set appliedKeysRetention to at least the Wal's retention", refusedOn(forgetful, Plain.class,
                new PlainDao(), options()).getMessage());
    }

    @Test
    void operationsAndNamespaces_mustBeValidAndDistinct() {
        assertEquals("Duplicates.a(String) and Duplicates.b(String) have the same operation 'same'; give them distinct "
                + "@Critical(operation = ...)", refused(Duplicates.class, dao(Duplicates.class)).getMessage());
        assertEquals("BadNamespace.write(String): namespace must match [A-Za-z0-9._-]{1,128} but was 'no spaces'",
                refused(BadNamespace.class, dao(BadNamespace.class)).getMessage());
    }

    @Test
    void buildingTwiceOnOneTarget_isRefused_andLeavesTheFirstInPlace() {
        RepositoryOptions byName = options().critical("write", 0).build();
        Plain first = DurableRepository.builder(Plain.class).target(repository.target, new PlainDao()).options(byName)
                .build(repository.wal);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> DurableRepository.builder(
                Plain.class).target(repository.target, new PlainDao()).options(byName).build(repository.wal));
        assertEquals("target 'primary' already has an applier for operation 'Plain#write(String)' (Plain.write(String)): "
                + "a target serves one repository per DAO interface; build one, or give the methods other "
                + "@Critical(operation = ...); to move a repository to a new Wal (after a failure), use "
                + "DurableRepository.rebind", twice.getMessage());
        repository.wal.start();
        first.write("k1");
        assertEquals("Plain#write(String)", entries().get(0).operation());
    }

    @Test
    void buildingAfterTheWalStarted_isRefused_andWiresNothing() {
        repository.wal.start();
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> DurableRepository.builder(Plain.class)
                .target(repository.target, new PlainDao()).options(options().critical("write", 0).build())
                .build(repository.wal));
        assertEquals("the DurableRepository of " + Plain.class.getName() + " must be built before Wal.start(), but the "
                + "Wal is RUNNING: entries an earlier run left in the log would find no applier; build it between "
                + "Wal.Builder.build() and Wal.start()", late.getMessage());
        assertNull(repository.target.applierFor("Plain#write(String)"), "no applier registered: " + repository.target);
    }

    @Test
    void daoThatCannotBeAnnotated_isConfiguredByMethodNamesAndKeyPositions() {
        PlainDao dao = new PlainDao();
        assertEquals("RepositoryOptions.critical names method 'writ', which Plain does not have; its methods: [read, write]",
                refused(Plain.class, dao, options().critical("writ", 0)).getMessage());
        assertEquals("Plain.write(String): lane key argument 3 does not exist; the method takes 1 argument(s)",
                refused(Plain.class, dao, options().critical("write", 3)).getMessage());
        assertEquals("NoKey.write(String) is annotated @Critical and also listed in RepositoryOptions.critical; use one "
                + "of them", refused(NoKey.class, dao, options().critical("write", 0)).getMessage());

        Plain plain = repository.wrap(Plain.class, dao, o -> o.namespace("plain").critical("write", 0)
                .laneRead("read", 0).readYourWrites(Duration.ofSeconds(10)));
        plain.write("k1");
        assertEquals("read k1", plain.read("k1"));
        WalEntry written = entries().get(0);
        assertEquals(List.of("plain", "k1", "Plain#write(String)", "[\"k1\"]"), List.of(written.namespace(), written.key(),
                written.operation(), written.payload()));
    }

    @Test
    void options_checkEachSetting() {
        assertEquals("a repository needs at least one target; add one with target(target, dao)",
                assertThrows(IllegalArgumentException.class, () -> DurableRepository.builder(Plain.class)
                        .build(repository.wal)).getMessage());
        DurableRepository.Builder<Plain> plain = DurableRepository.builder(Plain.class)
                .target(repository.target, new PlainDao());
        assertEquals("target 'primary' is already added", assertThrows(IllegalArgumentException.class,
                () -> plain.target(repository.target, new PlainDao())).getMessage());
        assertEquals("primaryTarget 'replica' is not one of the repository's targets [primary]", assertThrows(
                IllegalArgumentException.class, () -> plain.options(options().primaryTarget("replica").build())
                        .build(repository.wal)).getMessage());
        RepositoryOptions.Builder builder = RepositoryOptions.builder();
        assertEquals("applyWait must be between PT0S and PT1H but was PT-1S", assertThrows(IllegalArgumentException.class,
                () -> builder.applyWait(Duration.ofSeconds(-1))).getMessage());
        assertEquals("readYourWrites must be between PT0.001S and PT1H but was PT0S",
                assertThrows(IllegalArgumentException.class, () -> builder.readYourWrites(Duration.ZERO)).getMessage());
        assertEquals("asyncResultTimeout must be between PT0.001S and PT8760H but was PT8761H",
                assertThrows(IllegalArgumentException.class, () -> builder.asyncResultTimeout(Duration.ofHours(8761)))
                        .getMessage());
        assertEquals("keyArgument of critical method 'write' must be at least 0 but was -1",
                assertThrows(IllegalArgumentException.class, () -> builder.critical("write", -1)).getMessage());
        builder.primaryTarget("primary").critical("write", 0).laneRead("write", 0);
        assertEquals("method 'write' is listed both as critical and as a lane read",
                assertThrows(IllegalArgumentException.class, builder::build).getMessage());
    }

    private List<WalEntry> entries() {
        try (Stream<ReplayRecord> records = repository.wal.admin().replay(ReplayQuery.all())) {
            return records.map(ReplayRecord::entry).collect(Collectors.toList());
        }
    }
}
