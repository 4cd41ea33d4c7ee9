package org.wal4j.jdbc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The targets of one repository, each with the DAO instance that applies calls on it, in the
 * order they were added, and the primary among them. Immutable and thread-safe.
 *
 * @param bindings per target name, the target and its DAO instance
 * @param primary  the name of the primary target: one of {@code bindings}
 */
record RepositoryTargets(Map<String, Binding> bindings, String primary) {
    RepositoryTargets {
        bindings = Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
    }

    /** The primary target's DAO instance: it runs the methods passed through. */
    Object primaryDao() {
        return bindings.get(primary).dao();
    }

    /** A target and the DAO instance that applies calls on it. */
    record Binding(JdbcSyncTarget target, Object dao) {
    }
}
