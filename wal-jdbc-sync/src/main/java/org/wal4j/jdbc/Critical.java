package org.wal4j.jdbc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.wal4j.Backoff;
import org.wal4j.Priority;

/**
 * Marks a method of a DAO interface whose calls {@link DurableRepository} writes to the log
 * before the real DAO runs: the call is durable when the proxy returns (or, by return type,
 * applied; see {@link DurableRepository}), and each target's DAO instance runs it later, exactly
 * once, inside that target's apply transaction.
 *
 * <pre>{@code
 * interface AccountDao {
 *     @Critical(namespace = "accounts")
 *     void debit(@LaneKey String accountId, BigDecimal amount) throws SQLException;
 * }
 * }</pre>
 *
 * <p>The lane key orders the calls: calls with the same key are applied in the order they were
 * written. Mark one parameter {@link LaneKey}, or declare {@link #keyless()} to put every call in
 * the namespace's single keyless lane. A call that touches several keys marks each of them: its
 * entry belongs to the lane of every one (the first is its key, the others its
 * {@code WalEntry.alsoKeys}), is applied after every earlier call of each of those lanes and before
 * every later one, and read-your-writes on any of them waits for it:
 *
 * <pre>{@code
 * @Critical(namespace = "accounts")
 * void transfer(@LaneKey String from, @LaneKey String to, BigDecimal amount) throws SQLException;
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * How the entries of a method are retried, delayed, expired and ordered among lanes is the
 * {@code Wal}'s lifecycle for their namespace ({@code WalConfig.lifecycleFor}) unless the method
 * sets some of it here: each attribute left at its default keeps the {@code Wal}'s value, each one
 * set replaces it. {@link RepositoryOptions.Builder#lifecycle} changes the result further, and wins
 * for what it sets. The lifecycle is written into each entry, so entries already in the log keep
 * theirs when the annotation changes. Bad values are refused when the repository is built, naming
 * the method, the attribute and the value.
 *
 * <pre>{@code
 * @Critical(namespace = "payments", maxAttempts = 1, ttl = "5m", priority = Priority.HIGH)
 * void transfer(@LaneKey String from, @LaneKey String to, BigDecimal amount) throws SQLException;
 * }</pre>
 *
 * <h2>Rejections</h2>
 * An exception the method declares in its {@code throws} clause, or names in
 * {@link #rejections()}, is a business verdict when the DAO throws it during apply (insufficient
 * funds, an account closed): the entry ends {@link org.wal4j.EntryStatus#REJECTED REJECTED} at
 * once, its effects rolled back, without retry and without becoming a dead letter; a waiting
 * caller gets that exception itself. See {@link DurableRepository} for which declared exceptions
 * count.
 *
 * <pre>{@code
 * @Critical(namespace = "payments")
 * BigDecimal transfer(@LaneKey String from, String to, BigDecimal amount)
 *         throws InsufficientFundsException, SQLException;
 * }</pre>
 *
 * <p>An annotation: immutable, read once when the interface is wrapped.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Critical {

    /**
     * The namespace of the entries; empty (the default) means the repository's namespace
     * ({@link RepositoryOptions.Builder#namespace(String)}).
     */
    String namespace() default "";

    /**
     * The entries' operation; empty (the default) derives it from the interface and the method:
     * {@code AccountDao#debit(String,BigDecimal)}. Set it to keep entries already in the log
     * applicable across a rename of the interface, the method or a parameter type.
     */
    String operation() default "";

    /**
     * The targets that apply the calls; empty (the default) means every target of the repository.
     * Each must have a DAO instance in the {@link RepositoryOptions}.
     */
    String[] targets() default {};

    /**
     * True to write calls without a lane key, into the namespace's keyless lane (every such call
     * of the namespace is applied in write order, one after the other). False (the default)
     * requires a parameter marked {@link LaneKey} (or several, for a call that touches several keys).
     */
    boolean keyless() default false;

    /** The value of {@link #maxAttempts()} that keeps the {@code Wal}'s: {@value}. */
    int INHERIT = Integer.MIN_VALUE;

    /**
     * How many times an entry is tried before it is dead-lettered, at least 1; {@link #INHERIT}
     * (the default) keeps the {@code Wal}'s.
     */
    int maxAttempts() default INHERIT;

    /**
     * How long after it is written an entry is first tried, as {@code 250ms}, {@code 30s},
     * {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 ({@code PT30S}), from 0 to
     * {@link org.wal4j.Lifecycle#MAX_DURATION}; empty (the default) keeps the {@code Wal}'s.
     */
    String initialDelay() default "";

    /** The backoff between attempts, at most one; none (the default) keeps the {@code Wal}'s. */
    Backoff[] backoff() default {};

    /**
     * The first backoff, a duration from 1 ms to {@link org.wal4j.Lifecycle#MAX_DURATION} written
     * as {@link #initialDelay()}; empty (the default) keeps the {@code Wal}'s.
     */
    String backoffBase() default "";

    /**
     * The longest backoff, a duration from 1 ms to {@link org.wal4j.Lifecycle#MAX_DURATION}
     * written as {@link #initialDelay()}; empty (the default) keeps the {@code Wal}'s.
     */
    String backoffCap() default "";

    /**
     * How long after it was written an entry expires unapplied, a duration from 1 ms to
     * {@link org.wal4j.Lifecycle#MAX_DURATION} written as {@link #initialDelay()}; empty (the
     * default) keeps the {@code Wal}'s.
     */
    String ttl() default "";

    /** The entries' priority among lanes, at most one; none (the default) keeps the {@code Wal}'s. */
    Priority[] priority() default {};

    /**
     * Exceptions that reject the call when the DAO throws them during apply, besides those the
     * method declares (list unchecked ones here); see {@link DurableRepository}. Neither
     * {@code Exception}, {@code RuntimeException}, {@code SQLException} nor a subclass of
     * {@code SQLException} may be listed. None by default.
     */
    Class<? extends Exception>[] rejections() default {};
}
