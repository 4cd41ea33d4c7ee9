package org.wal4j.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wal4j.jdbc.JdbcSyncTarget;

/**
 * The JDBC targets the auto-configuration built, by name, in the order of {@code wal4j.targets}
 * (the first is the repositories' default). A bean, for code that needs a target itself
 * (its {@code transactionAwareDataSource()}, its checkpoint). Immutable and thread-safe.
 */
public final class JdbcSyncTargets {
    private final Map<String, JdbcSyncTarget> byName;

    JdbcSyncTargets(List<JdbcSyncTarget> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("wal4j needs at least one target");
        }
        Map<String, JdbcSyncTarget> map = new LinkedHashMap<>();
        for (JdbcSyncTarget t : targets) {
            map.put(t.name(), t);
        }
        this.byName = map;
    }

    /** Every target, in order. */
    public List<JdbcSyncTarget> all() {
        return new ArrayList<>(byName.values());
    }

    /** The first target: the one a {@link WalRepository} without {@code target} applies to. */
    public JdbcSyncTarget first() {
        return byName.values().iterator().next();
    }

    /**
     * The target {@code name}.
     *
     * @throws IllegalArgumentException naming the targets there are, if there is none of that name
     */
    public JdbcSyncTarget get(String name) {
        JdbcSyncTarget t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no wal4j target '" + name + "'; the targets are " + byName.keySet()
                    + " (wal4j.targets)");
        }
        return t;
    }

    @Override
    public String toString() {
        return "JdbcSyncTargets" + byName.keySet();
    }
}
