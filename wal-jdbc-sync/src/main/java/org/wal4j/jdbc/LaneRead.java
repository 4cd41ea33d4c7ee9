package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.util.List;

/**
 * A method of a wrapped DAO interface that is not critical and has a lane-key argument: with
 * read-your-writes on, the lanes of its key in {@link #namespaces()} are flushed before it runs.
 *
 * <p>Immutable and thread-safe.
 */
final class LaneRead {
    private final Method method;
    private final String display;
    private final int keyIndex;
    private final List<String> namespaces;

    LaneRead(Method method, String display, int keyIndex, List<String> namespaces) {
        this.method = method;
        this.display = display;
        this.keyIndex = keyIndex;
        this.namespaces = List.copyOf(namespaces);
    }

    String display() {
        return display;
    }

    String key(Object[] args) {
        return LaneKeys.text(display, method, keyIndex, args[keyIndex], "nothing was read");
    }

    /** The namespaces of the critical methods the primary target applies: where the key's writes are. */
    List<String> namespaces() {
        return namespaces;
    }
}
