package org.wal4j.jdbc;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.wal4j.spi.ApplyResult.FailureKind;

/**
 * Decides whether a failed entry may succeed later ({@link FailureKind#RETRYABLE}: the sync
 * engine retries it with backoff) or never will as it is ({@link FailureKind#PERMANENT}: it is
 * dead-lettered with the SQL error as its reason).
 *
 * <h2>Rules, first match wins</h2>
 * <ol>
 *   <li>The exact SQLSTATE ({@link Builder#sqlState}).</li>
 *   <li>The vendor error code ({@link Builder#vendorCode}), for drivers whose SQLSTATE is the
 *       generic {@code HY000}, such as MySQL's lock wait timeout 1205.</li>
 *   <li>The SQLSTATE class, its first two characters ({@link Builder#sqlStateClass}).</li>
 *   <li>The exception type: {@link SQLTransientException}, {@link SQLRecoverableException} and
 *       {@link SQLNonTransientConnectionException} are retryable; integrity, syntax, data and
 *       feature-not-supported exceptions are permanent.</li>
 *   <li>Anything else is {@link Builder#unknown unknown}: retryable by default.</li>
 * </ol>
 *
 * <h2>Defaults</h2>
 * Retryable: class {@code 08} (connection failure), class {@code 40} (serialization failure
 * {@code 40001}, deadlock {@code 40P01}) except {@code 40002}, class {@code 53} (insufficient
 * resources), class {@code 57} (operator intervention: {@code 57P01} admin shutdown,
 * {@code 57P02} crash shutdown, {@code 57P03} cannot connect now, {@code 57014} statement
 * cancelled), class {@code 58} (system I/O error), {@code 55P03} (PostgreSQL lock not
 * available), {@code HYT00}/{@code HYT01} (timeouts, H2's lock timeout), {@code 70100} (MySQL
 * and MariaDB query interrupted or connection killed), H2's {@code 90067} (connection broken),
 * {@code 90098} (database closed), {@code 90121} (database shutting down), {@code 90131}
 * (concurrent update); MySQL/MariaDB vendor codes 1040, 1053, 1205 (lock wait timeout), 1213
 * (deadlock), 1317, 1927, 1969, 2006, 2013, 3024.
 * Permanent: classes {@code 21} (cardinality), {@code 22} (data), {@code 23} (integrity
 * constraint), {@code 27} (triggered data change), {@code 42} (syntax or access rule),
 * {@code 44} (check option), {@code 0A} (feature not supported), and {@code 40002} (integrity
 * violation at commit).
 *
 * <h2>Why unknown failures are retryable</h2>
 * Calling a transient failure permanent dead-letters an entry that would have succeeded, and the
 * entries behind it in its lane then apply without it: the lane's order is broken and the
 * dead letter needs a person. Calling a permanent failure retryable only costs the entry's
 * remaining attempts ({@code Lifecycle} bounds them) before it is dead-lettered with the same
 * reason. So when in doubt, retry; use {@link Builder#unknown} to change that.
 *
 * <p>Failures that are not {@link SQLException}s (and have none in their cause chain) come from
 * code given the same input, such as a payload that cannot be read or a DAO's own check: they
 * are permanent. Subclasses may override {@link #classify(SQLException)} or
 * {@link #classifyOther(Throwable)}.
 *
 * <p>Immutable and thread-safe (subclasses must keep it so).
 */
public class SqlStateClassifier {
    private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");
    private static final Pattern SQL_STATE_CLASS = Pattern.compile("[0-9A-Z]{2}");
    private static final SqlStateClassifier DEFAULTS = defaultsBuilder().build();

    private final Map<String, FailureKind> states;
    private final Map<String, FailureKind> classes;
    private final Map<Integer, FailureKind> vendorCodes;
    private final FailureKind unknown;

    /** A classifier with the default rules, for subclasses that override a method. */
    protected SqlStateClassifier() {
        this(DEFAULTS.states, DEFAULTS.classes, DEFAULTS.vendorCodes, DEFAULTS.unknown);
    }

    private SqlStateClassifier(Map<String, FailureKind> states, Map<String, FailureKind> classes,
                               Map<Integer, FailureKind> vendorCodes, FailureKind unknown) {
        this.states = Map.copyOf(states);
        this.classes = Map.copyOf(classes);
        this.vendorCodes = Map.copyOf(vendorCodes);
        this.unknown = unknown;
    }

    /** The default rules (see the class description). */
    public static SqlStateClassifier ofDefaults() {
        return DEFAULTS;
    }

    /** A builder holding the default rules, to add or override some. */
    public static Builder builder() {
        return defaultsBuilder();
    }

    /** A builder holding this classifier's rules. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.states.putAll(states);
        builder.classes.putAll(classes);
        builder.vendorCodes.putAll(vendorCodes);
        builder.unknown = unknown;
        return builder;
    }

    /**
     * Classifies any failure of an entry: the first {@link SQLException} in its cause chain (an
     * exception may wrap one, as a DAO's own data-access exception does) decides, otherwise
     * {@link #classifyOther(Throwable)}.
     */
    public FailureKind classify(Throwable failure) {
        Objects.requireNonNull(failure, "failure must not be null");
        SQLException sql = firstSqlException(failure);
        return sql != null ? classify(sql) : classifyOther(failure);
    }

    /** Classifies an SQL failure by the rules in the class description. */
    public FailureKind classify(SQLException e) {
        Objects.requireNonNull(e, "e must not be null");
        String state = e.getSQLState();
        if (state != null && states.containsKey(state)) {
            return states.get(state);
        }
        FailureKind byCode = vendorCodes.get(e.getErrorCode());
        if (byCode != null && e.getErrorCode() != 0) {
            return byCode;
        }
        if (state != null && state.length() >= 2 && classes.containsKey(state.substring(0, 2))) {
            return classes.get(state.substring(0, 2));
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException) {
            return FailureKind.RETRYABLE;
        }
        if (e instanceof SQLIntegrityConstraintViolationException || e instanceof SQLSyntaxErrorException
                || e instanceof SQLDataException || e instanceof SQLFeatureNotSupportedException) {
            return FailureKind.PERMANENT;
        }
        return unknown;
    }

    /** Classifies a failure with no {@link SQLException} in its cause chain: permanent. */
    protected FailureKind classifyOther(Throwable failure) {
        return FailureKind.PERMANENT;
    }

    /** What failures no rule matches are. */
    public FailureKind unknownKind() {
        return unknown;
    }

    /** The first SQLException in {@code failure}'s cause chain, or null. */
    static SQLException firstSqlException(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 32; depth++) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
            t = t.getCause();
        }
        return null;
    }

    @Override
    public String toString() {
        return "SqlStateClassifier{states=" + states + ", classes=" + classes + ", vendorCodes=" + vendorCodes
                + ", unknown=" + unknown + '}';
    }

    private static Builder defaultsBuilder() {
        Builder b = new Builder();
        for (String retryableClass : new String[] {"08", "40", "53", "57", "58"}) {
            b.sqlStateClass(retryableClass, FailureKind.RETRYABLE);
        }
        for (String permanentClass : new String[] {"21", "22", "23", "27", "42", "44", "0A"}) {
            b.sqlStateClass(permanentClass, FailureKind.PERMANENT);
        }
        b.sqlState("40002", FailureKind.PERMANENT);
        for (String retryable : new String[] {"55P03", "HYT00", "HYT01", "70100", "90067", "90098", "90121", "90131"}) {
            b.sqlState(retryable, FailureKind.RETRYABLE);
        }
        for (int code : new int[] {1040, 1053, 1205, 1213, 1317, 1927, 1969, 2006, 2013, 3024}) {
            b.vendorCode(code, FailureKind.RETRYABLE);
        }
        return b;
    }

    /** Builds a {@link SqlStateClassifier}; every setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final Map<String, FailureKind> states = new HashMap<>();
        private final Map<String, FailureKind> classes = new HashMap<>();
        private final Map<Integer, FailureKind> vendorCodes = new HashMap<>();
        private FailureKind unknown = FailureKind.RETRYABLE;

        private Builder() {
        }

        /** Classifies one exact SQLSTATE, five characters {@code [0-9A-Z]}, such as {@code 40P01}. */
        public Builder sqlState(String sqlState, FailureKind kind) {
            if (sqlState == null || !SQL_STATE.matcher(sqlState).matches()) {
                throw new IllegalArgumentException("sqlState must be five characters [0-9A-Z] but was '" + sqlState + "'");
            }
            states.put(sqlState, Objects.requireNonNull(kind, "kind must not be null"));
            return this;
        }

        /** Classifies an SQLSTATE class, its first two characters, such as {@code 08}. */
        public Builder sqlStateClass(String sqlStateClass, FailureKind kind) {
            if (sqlStateClass == null || !SQL_STATE_CLASS.matcher(sqlStateClass).matches()) {
                throw new IllegalArgumentException("sqlStateClass must be two characters [0-9A-Z] but was '"
                        + sqlStateClass + "'");
            }
            classes.put(sqlStateClass, Objects.requireNonNull(kind, "kind must not be null"));
            return this;
        }

        /** Classifies a vendor error code ({@link SQLException#getErrorCode()}); 0 is never matched. */
        public Builder vendorCode(int vendorCode, FailureKind kind) {
            if (vendorCode == 0) {
                throw new IllegalArgumentException("vendorCode must not be 0: drivers use 0 for 'no vendor code'");
            }
            vendorCodes.put(vendorCode, Objects.requireNonNull(kind, "kind must not be null"));
            return this;
        }

        /** What a failure no rule matches is; default {@link FailureKind#RETRYABLE}. */
        public Builder unknown(FailureKind kind) {
            this.unknown = Objects.requireNonNull(kind, "kind must not be null");
            return this;
        }

        public SqlStateClassifier build() {
            return new SqlStateClassifier(states, classes, vendorCodes, unknown);
        }
    }
}
