/**
 * Runnable examples a newcomer starts from the README.
 *
 * <ul>
 *   <li>{@link org.wal4j.examples.TradingDemo}: the README's first command; a trading desk through
 *       a database outage, its DAO wrapped by {@code DurableRepository}, checked against its own
 *       model; {@code --crash} and recovery, {@code --jdbc-url}.</li>
 *   <li>{@link org.wal4j.examples.SagaExample}: namespaces with their own lifecycles (retries,
 *       delivery delay, time to live), a dead letter requeued, replays.</li>
 *   <li>{@link org.wal4j.examples.PrimaryReplicaExample}: one DAO, two databases, one down for a
 *       while; both end identical.</li>
 *   <li>{@link org.wal4j.examples.QuickStart}: the smallest use, SQL-statement entries.</li>
 * </ul>
 *
 * Each prints PASS or FAIL and exits with a non-zero status on FAIL. The DAO the demo wraps is
 * {@link org.wal4j.examples.TradingDao} with its plain-JDBC {@link org.wal4j.examples.JdbcTradingDao};
 * {@code TradingDesk} shows the wiring.
 */
package org.wal4j.examples;
