package org.wal4j.spring;

import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.wal4j.jdbc.TransactionAwareDataSource;

/**
 * Replaces every {@link DataSource} bean with a {@link TransactionAwareDataSource} around it, so
 * that everything the application builds on it (Spring Boot's {@code JdbcTemplate} and
 * {@code DataSourceTransactionManager}, the DAOs, {@code DataSourceUtils}) gets, on a thread
 * applying an entry, the apply transaction's connection, and the pool itself everywhere else. The
 * targets are built on the same beans, so the DAO's SQL and the entry's idempotency record commit
 * together. Wrapping a DataSource no target uses costs one thread-local read per
 * {@code getConnection}; {@code unwrap} and {@code isWrapperFor} reach the pool (Spring Boot's
 * {@code DataSourceUnwrapper}, pool metrics). Inject {@code DataSource}, not the pool's own class.
 *
 * <p>Stateless and thread-safe.
 */
final class TransactionAwareDataSources implements BeanPostProcessor {
    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource && !(bean instanceof TransactionAwareDataSource)) {
            return TransactionAwareDataSource.wrap((DataSource) bean);
        }
        return bean;
    }
}
