package org.wal4j.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where {@code sync} and {@code replay} apply entries: the database, its credentials, the target
 * name that keys the idempotency records, and how long to wait for the backlog to drain.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class JdbcOptions {
    @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
            description = "The database, e.g. jdbc:postgresql://db:5432/app, jdbc:mariadb://db/app, jdbc:h2:/data/app "
                    + "(drivers for PostgreSQL, MariaDB/MySQL and H2 are built in). Credentials may be in the URL.")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "Database user (else from the URL).")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", interactive = true, arity = "0..1",
            defaultValue = "${env:WAL_JDBC_PASSWORD}",
            description = "Database password; --password alone prompts for it; default: $WAL_JDBC_PASSWORD.")
    char[] password;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "primary",
            description = "The target name the application uses for this database: it keys the applied-keys "
                    + "and checkpoint rows that make applying exactly once in effect. Default: ${DEFAULT-VALUE}.")
    String target;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
            description = "How long to wait for the backlog to drain (250ms, 30s, 5m, 2h, PT30S). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration timeout;
}
