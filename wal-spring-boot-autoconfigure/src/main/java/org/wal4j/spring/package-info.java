/**
 * Spring Boot auto-configuration of wal4j: {@link org.wal4j.spring.Wal4jProperties} ({@code wal4j.*}),
 * the {@link org.wal4j.Wal} bean over the file log with a {@link org.wal4j.jdbc.JdbcSyncTarget} per
 * configured {@link javax.sql.DataSource}, DAO beans marked {@link org.wal4j.spring.WalRepository}
 * wrapped by {@link org.wal4j.jdbc.DurableRepository}, and the {@link org.wal4j.spring.WalLifecycle}
 * that starts the Wal and drains it on shutdown. Extension points: the {@code Wal} and
 * {@link org.wal4j.spring.JdbcSyncTargets} beans, and {@link org.wal4j.spring.Wal4jConfigurer} beans.
 * See docs/spring.md.
 */
@NullMarked
package org.wal4j.spring;

import org.jspecify.annotations.NullMarked;
