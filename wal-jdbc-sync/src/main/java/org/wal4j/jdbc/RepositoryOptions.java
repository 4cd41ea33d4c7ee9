package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.wal4j.Lifecycle;
import org.wal4j.config.ConfigSources;
import org.wal4j.config.SettingTable;
import org.wal4j.config.SettingValues;
import org.wal4j.spi.Names;

/**
 * The settings of a repository built with {@link DurableRepository#builder}: which target is the
 * primary, which methods are critical when the DAO interface cannot be annotated, and how long
 * calls wait for their results. The targets and their DAO instances are given to the
 * repository's builder, where each DAO is typed as the interface.
 *
 * <pre>{@code
 * RepositoryOptions options = RepositoryOptions.builder()
 *         .primaryTarget("primary")                 // default: the first target added
 *         .namespace("accounts")
 *         .readYourWrites(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 *
 * <p>{@link Builder#passThrough} may also come from properties or the environment
 * ({@link Builder#load(ConfigSources)}; see {@link #settings()}), so that an operator can bypass
 * the log without a new build.
 *
 * <p>Immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class RepositoryOptions {
    /** Default of {@link Builder#applyWait}. */
    public static final Duration DEFAULT_APPLY_WAIT = Duration.ofSeconds(5);
    /** Longest {@link Builder#applyWait}. */
    public static final Duration MAX_APPLY_WAIT = Duration.ofHours(1);
    /** Default of {@link Builder#asyncResultTimeout}. */
    public static final Duration DEFAULT_ASYNC_RESULT_TIMEOUT = Duration.ofHours(1);
    /** Longest {@link Builder#asyncResultTimeout}. */
    public static final Duration MAX_ASYNC_RESULT_TIMEOUT = Duration.ofDays(365);
    /** Longest {@link Builder#readYourWrites} timeout. */
    public static final Duration MAX_READ_YOUR_WRITES_TIMEOUT = Duration.ofHours(1);
    /** Default of {@link Builder#voidWaitsForApply}: a void call returns once durable. */
    public static final boolean DEFAULT_VOID_WAITS_FOR_APPLY = false;

    /** Default of {@link Builder#passThrough}: critical calls go through the log. */
    public static final boolean DEFAULT_PASS_THROUGH = false;

    /** The lane-key position of a method listed as critical without a key. */
    static final int KEYLESS = -1;

    private final String primaryTarget;
    private final String namespace;
    private final ObjectMapper objectMapper;
    private final Duration applyWait;
    private final boolean voidWaitsForApply;
    private final Duration asyncResultTimeout;
    private final Duration readYourWritesTimeout;
    private final Map<String, Integer> criticalMethods;
    private final Map<String, Integer> laneReads;
    private final Map<String, UnaryOperator<Lifecycle.Builder>> lifecycles;
    private final Map<String, List<Class<? extends Exception>>> rejections;
    private final boolean passThrough;
    private final String passThroughOrigin;

    private RepositoryOptions(Builder b) {
        this.primaryTarget = b.primaryTarget;
        this.namespace = b.namespace;
        this.objectMapper = b.objectMapper;
        this.applyWait = b.applyWait;
        this.voidWaitsForApply = b.voidWaitsForApply;
        this.asyncResultTimeout = b.asyncResultTimeout;
        this.readYourWritesTimeout = b.readYourWritesTimeout;
        this.criticalMethods = Map.copyOf(b.criticalMethods);
        this.laneReads = Map.copyOf(b.laneReads);
        this.lifecycles = Map.copyOf(b.lifecycles);
        this.rejections = Map.copyOf(b.rejections);
        this.passThrough = b.values.get(RepositorySettings.PASS_THROUGH);
        this.passThroughOrigin = b.values.describe(RepositorySettings.PASS_THROUGH);
    }

    /**
     * The descriptors of the settings that may be read from a {@link ConfigSources source}
     * (property, environment variable, unit, default), from which docs/configuration.md's table
     * is rendered.
     */
    public static SettingTable settings() {
        return RepositorySettings.TABLE;
    }

    /** Starts options. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default. */
    public static RepositoryOptions ofDefaults() {
        return builder().build();
    }

    /**
     * The target whose DAO results critical calls return, whose DAO runs the methods passed
     * through, and whose lanes reads flush; empty means the first target added to the repository.
     */
    public Optional<String> primaryTarget() {
        return Optional.ofNullable(primaryTarget);
    }

    /** The namespace of methods that name none; empty means the DAO interface's simple name. */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /** The mapper for arguments; empty means the {@code Wal}'s {@link org.wal4j.Wal#mapper()}. */
    public Optional<ObjectMapper> objectMapper() {
        return Optional.ofNullable(objectMapper);
    }

    /** See {@link Builder#applyWait}. */
    public Duration applyWait() {
        return applyWait;
    }

    /** See {@link Builder#voidWaitsForApply}. */
    public boolean voidWaitsForApply() {
        return voidWaitsForApply;
    }

    /** See {@link Builder#asyncResultTimeout}. */
    public Duration asyncResultTimeout() {
        return asyncResultTimeout;
    }

    /** The read-your-writes timeout; empty when read-your-writes is off. */
    public Optional<Duration> readYourWrites() {
        return Optional.ofNullable(readYourWritesTimeout);
    }

    /** See {@link Builder#passThrough}. */
    public boolean passThrough() {
        return passThrough;
    }

    /** The pass-through value and where it came from, for the warning: {@code true, environment variable ...}. */
    String passThroughOrigin() {
        return passThroughOrigin;
    }

    /** Method names listed as critical, with their lane-key argument ({@link #KEYLESS} for none). */
    Map<String, Integer> criticalMethods() {
        return criticalMethods;
    }

    /** Method names listed as lane reads, with their lane-key argument. */
    Map<String, Integer> laneReads() {
        return laneReads;
    }

    /** Method names given a lifecycle, with the change to make to it. */
    Map<String, UnaryOperator<Lifecycle.Builder>> lifecycles() {
        return lifecycles;
    }

    /** Method names given rejections, with the exception types. */
    Map<String, List<Class<? extends Exception>>> rejections() {
        return rejections;
    }

    @Override
    public String toString() {
        return "RepositoryOptions{primaryTarget=" + primaryTarget + ", namespace="
                + namespace + ", applyWait=" + applyWait + ", voidWaitsForApply=" + voidWaitsForApply
                + ", asyncResultTimeout=" + asyncResultTimeout + ", readYourWrites=" + readYourWritesTimeout
                + ", criticalMethods=" + criticalMethods + ", laneReads=" + laneReads
                 + ", lifecycles=" + lifecycles.keySet() + ", rejections=" + rejections + ", passThrough=" + passThrough + '}';
    }

    /**
     * Builds {@link RepositoryOptions}. Each setter checks its argument at once and names the
     * setting in its message. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Integer> criticalMethods = new LinkedHashMap<>();
        private final Map<String, Integer> laneReads = new LinkedHashMap<>();
        private final Map<String, UnaryOperator<Lifecycle.Builder>> lifecycles = new LinkedHashMap<>();
        private final Map<String, List<Class<? extends Exception>>> rejections = new LinkedHashMap<>();
        private String primaryTarget;
        private String namespace;
        private ObjectMapper objectMapper;
        private Duration applyWait = DEFAULT_APPLY_WAIT;
        private boolean voidWaitsForApply = DEFAULT_VOID_WAITS_FOR_APPLY;
        private Duration asyncResultTimeout = DEFAULT_ASYNC_RESULT_TIMEOUT;
        private Duration readYourWritesTimeout;
        private final SettingValues values = SettingValues.defaultsOf(RepositorySettings.TABLE);

        private Builder() {
        }

        /**
         * Reads every setting of {@link RepositoryOptions#settings()} that {@code source} has,
         * except those set in code on this builder (a setter wins whether it is called before or
         * after): defaults &lt; the source's layers &lt; code.
         *
         * @throws IllegalArgumentException for a {@code wal.*} key no module knows (naming the
         *                                  nearest known key), or naming the property or variable
         *                                  whose value is malformed
         */
        public Builder load(ConfigSources source) {
            values.load(source);
            return this;
        }

        /**
         * True: the proxy does not write critical calls to the log but calls the DAO instance of the
         * method's result target (the primary) directly, on the caller's thread, and returns what it
         * returned or throws what it threw, as the DAO alone would. Nothing is durable before the
         * database commits, nothing is retried, and the repository's other targets do not get the
         * calls. Lane reads, the methods passed through and the appliers (which still apply what an
         * earlier run left in the log) are unchanged. Meant for tests and for an emergency bypass of
         * the log; every repository built with it logs a warning. Property
         * {@code wal.repository.pass.through}, environment {@code WAL_REPOSITORY_PASS_THROUGH}.
         * Default {@link #DEFAULT_PASS_THROUGH}.
         */
        public Builder passThrough(boolean on) {
            values.set(RepositorySettings.PASS_THROUGH, on);
            return this;
        }

        /**
         * The target whose DAO instance's return values critical calls return, whose DAO instance
         * runs the methods passed through, and whose lanes read-your-writes flushes (the database
         * the repository reads from). It must be one of the repository's targets. Default: the
         * first target added to the repository.
         */
        public Builder primaryTarget(String target) {
            this.primaryTarget = Names.requireTarget(target);
            return this;
        }

        /**
         * The namespace of the entries of methods that do not name one; it must match
         * {@value Names#NAMESPACE_RULE}. Default: the DAO interface's simple name.
         */
        public Builder namespace(String namespace) {
            this.namespace = Names.requireNamespace(namespace);
            return this;
        }

        /**
         * The mapper that writes arguments to the log and reads them back; it must be configured
         * the same way in every process that applies the log. Default: the {@code Wal}'s
         * {@link org.wal4j.Wal#mapper() mapper}.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = Objects.requireNonNull(mapper, "objectMapper must not be null");
            return this;
        }

        /**
         * How long a critical call that returns a value (and a {@code void} one, with
         * {@link #voidWaitsForApply}) waits, once durable, for the primary target to apply it, from
         * {@link Duration#ZERO} to {@link #MAX_APPLY_WAIT}. Past it the call throws
         * {@link NotYetAppliedException}. Default {@link #DEFAULT_APPLY_WAIT}.
         */
        public Builder applyWait(Duration wait) {
            this.applyWait = duration("applyWait", wait, Duration.ZERO, MAX_APPLY_WAIT);
            return this;
        }

        /**
         * True: a critical {@code void} call returns once the primary target applied it, waiting
         * up to {@link #applyWait}, like a call that returns a value. False: it returns once the
         * call is durable in the log. Default {@link #DEFAULT_VOID_WAITS_FOR_APPLY}.
         */
        public Builder voidWaitsForApply(boolean wait) {
            this.voidWaitsForApply = wait;
            return this;
        }

        /**
         * How long the future of a critical call that returns a {@code CompletableFuture} waits for
         * the primary target to apply it before it completes with {@link NotYetAppliedException},
         * from 1 ms to {@link #MAX_ASYNC_RESULT_TIMEOUT}. Default
         * {@link #DEFAULT_ASYNC_RESULT_TIMEOUT}.
         */
        public Builder asyncResultTimeout(Duration timeout) {
            this.asyncResultTimeout = duration("asyncResultTimeout", timeout, Duration.ofMillis(1), MAX_ASYNC_RESULT_TIMEOUT);
            return this;
        }

        /**
         * Turns read-your-writes on: before a method that is not critical and has a lane-key
         * argument runs, the lane of that key is flushed on the primary target (it is served first,
         * and the read waits until every call written to it before is applied or dead), for up to
         * {@code timeout}, from 1 ms to {@link #MAX_READ_YOUR_WRITES_TIMEOUT}. If the lane is not
         * settled in time the read does not run and {@link StaleReadException} is thrown. Default:
         * off, reads run at once.
         */
        public Builder readYourWrites(Duration timeout) {
            this.readYourWritesTimeout = duration("readYourWrites", timeout, Duration.ofMillis(1),
                    MAX_READ_YOUR_WRITES_TIMEOUT);
            return this;
        }

        /**
         * Makes every method named {@code methodName} (all its overloads) critical, with argument
         * {@code keyArgument} (from 0) as the lane key, for DAO interfaces that cannot carry
         * {@link Critical}. Its namespace is {@link #namespace}, its targets all of the repository's.
         */
        public Builder critical(String methodName, int keyArgument) {
            if (keyArgument < 0) {
                throw new IllegalArgumentException("keyArgument of critical method '" + methodName
                        + "' must be at least 0 but was " + keyArgument);
            }
            criticalMethods.put(methodName(methodName), keyArgument);
            return this;
        }

        /** Like {@link #critical(String, int)} for calls without a lane key ({@link Critical#keyless()}). */
        public Builder criticalKeyless(String methodName) {
            criticalMethods.put(methodName(methodName), KEYLESS);
            return this;
        }

        /**
         * Marks every method named {@code methodName} as a read of the lane keyed by argument
         * {@code keyArgument} (from 0), as {@link LaneKey} does on an annotated interface.
         */
        public Builder laneRead(String methodName, int keyArgument) {
            if (keyArgument < 0) {
                throw new IllegalArgumentException("keyArgument of lane read '" + methodName
                        + "' must be at least 0 but was " + keyArgument);
            }
            laneReads.put(methodName(methodName), keyArgument);
            return this;
        }

        /**
         * Changes the lifecycle of the entries of every critical method named {@code methodName}
         * (all its overloads): {@code change} gets a builder holding the {@code Wal}'s lifecycle for
         * the method's namespace with the method's {@link Critical} lifecycle attributes applied,
         * and returns it changed, for example {@code l -> l.maxAttempts(1).ttl(Duration.ofMinutes(5))}.
         * These options win over the annotation for what they set. It runs when the repository is
         * built; a value the {@link Lifecycle.Builder} refuses then fails the build, naming the
         * method. The method must be critical. A second call for the same name replaces the first.
         */
        public Builder lifecycle(String methodName, UnaryOperator<Lifecycle.Builder> change) {
            lifecycles.put(methodName(methodName), Objects.requireNonNull(change, "lifecycle change of method '"
                    + methodName + "' must not be null"));
            return this;
        }

        /**
         * Names exceptions that reject the calls of every critical method named {@code methodName}
         * (all its overloads) when its DAO throws them during apply, besides those the method
         * declares: the entry ends {@link org.wal4j.EntryStatus#REJECTED REJECTED}, not a dead
         * letter, and a waiting caller gets the exception itself (see {@link DurableRepository}).
         * Use it for unchecked exceptions, or for a method whose annotation cannot change. Adds
         * to the method's {@link Critical#rejections()}. The method must be critical; the types
         * are checked when the repository is built ({@code Exception}, {@code RuntimeException},
         * {@code SQLException} and its subclasses are refused). A second call for the same name
         * replaces the first.
         */
        @SafeVarargs
        public final Builder rejections(String methodName, Class<? extends Exception>... types) {
            Objects.requireNonNull(types, "rejections of method '" + methodName + "' must not be null");
            if (types.length == 0) {
                throw new IllegalArgumentException("rejections of method '" + methodName + "' must name at least one "
                        + "exception type");
            }
            List<Class<? extends Exception>> list = new ArrayList<>(types.length);
            for (Class<? extends Exception> type : types) {
                list.add(type);
            }
            rejections.put(methodName(methodName), Collections.unmodifiableList(list));
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if a method is listed both as critical and as a lane read
         */
        public RepositoryOptions build() {
            for (String name : laneReads.keySet()) {
                if (criticalMethods.containsKey(name)) {
                    throw new IllegalArgumentException("method '" + name + "' is listed both as critical and as a lane read");
                }
            }
            return new RepositoryOptions(this);
        }

        private static String methodName(String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("method name must not be null or empty but was " + name);
            }
            return name;
        }

        private static Duration duration(String field, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, field + " must not be null");
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + " but was " + value);
            }
            return value;
        }
    }
}
