package org.wal4j.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a DAO bean whose critical methods go through the log: the auto-configuration replaces the
 * bean, before the {@code Wal} starts, with a {@link org.wal4j.jdbc.DurableRepository} proxy of
 * its DAO interface on one target, the bean itself being the DAO instance that applies the calls.
 * Inject the bean by its interface (the proxy implements only that interface).
 *
 * <pre>{@code
 * @Repository
 * @WalRepository                       // AccountDao is its interface with @Critical methods
 * class JdbcAccountDao implements AccountDao {
 *     JdbcAccountDao(JdbcTemplate jdbc) { ... }     // the application's JdbcTemplate: it runs on the apply transaction
 * }
 * }</pre>
 *
 * <p>The DAO must get its connections from the target's DataSource bean (a {@code JdbcTemplate},
 * {@code DataSourceUtils} or {@code @Transactional} on it: the auto-configuration makes that bean
 * transaction-aware). Options beyond these attributes: {@link Wal4jConfigurer#configureRepository}.
 * With {@code wal4j.enabled=false} the bean is left as it is.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WalRepository {
    /**
     * The DAO interface to wrap. Default ({@code void.class}): the one interface of the bean's class
     * that declares {@code @Critical} methods.
     */
    Class<?> value() default void.class;

    /** The target the DAO applies to, a name under {@code wal4j.targets}; default ({@code ""}): the first target. */
    String target() default "";
}
