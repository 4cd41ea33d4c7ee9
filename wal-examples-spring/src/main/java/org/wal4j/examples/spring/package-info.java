/**
 * A Spring Boot service on the wal4j starter: {@link org.wal4j.examples.spring.AccountsApplication}
 * (its Javadoc has the command that starts it), {@link org.wal4j.examples.spring.AccountDao}
 * with its {@code @WalRepository} {@link org.wal4j.examples.spring.JdbcAccountDao}, and the REST
 * {@link org.wal4j.examples.spring.AccountController}. The rest is properties
 * ({@code application.properties}) and the schema ({@code schema.sql}).
 */
package org.wal4j.examples.spring;
