package org.wal4j.jdbc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
 * the namespace's single keyless lane.
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
     * requires one parameter marked {@link LaneKey}.
     */
    boolean keyless() default false;
}
