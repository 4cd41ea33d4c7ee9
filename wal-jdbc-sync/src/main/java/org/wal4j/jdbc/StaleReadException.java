package org.wal4j.jdbc;

import java.time.Duration;
import org.wal4j.WalException;

/**
 * A read of a {@link DurableRepository} with read-your-writes on did not run: calls written to
 * its lane before it were still not applied by the primary target when the read-your-writes
 * timeout ran out, so the database would not have shown them. Nothing was read and nothing is
 * lost: the calls stay in the log and will be applied. Retry the read later, or read without
 * the guarantee through the unwrapped DAO.
 *
 * <p>Thread-safe once thrown: its state does not change.
 */
public class StaleReadException extends WalException {
    private static final long serialVersionUID = 1L;

    private final String namespace;
    private final String key;
    private final String target;
    private final Duration timeout;

    public StaleReadException(String message, String namespace, String key, String target, Duration timeout) {
        super(message);
        this.namespace = namespace;
        this.key = key;
        this.target = target;
        this.timeout = timeout;
    }

    /** The namespace of the lane that was not settled. */
    public String namespace() {
        return namespace;
    }

    /** The lane key. */
    public String key() {
        return key;
    }

    /** The target the read waited for. */
    public String target() {
        return target;
    }

    /** How long the read waited. */
    public Duration timeout() {
        return timeout;
    }
}
