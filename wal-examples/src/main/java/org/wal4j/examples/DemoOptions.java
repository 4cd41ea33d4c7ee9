package org.wal4j.examples;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The command line of {@link TradingDemo}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dir      where the log (and the embedded database) live, kept between runs
 * @param jdbcUrl  a database to run against instead of the embedded H2, or null
 * @param user     its user, or null
 * @param password its password, or null
 * @param crash    kill the process halfway, in the middle of the outage
 * @param duration how long the trading lasts
 * @param help     print the usage and do nothing else
 */
record DemoOptions(Path dir, String jdbcUrl, String user, String password, boolean crash, Duration duration,
                   boolean help) {
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(15);
    static final int MIN_SECONDS = 3;
    static final int MAX_SECONDS = 600;

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: TradingDemo [--crash] [--dir DIR] [--duration SECONDS]",
            "                   [--jdbc-url URL [--user USER] [--password PASSWORD]]",
            "  (from Maven: mvn -B -q -pl wal-examples -am test-compile exec:java -Dexec.args=\"--crash ...\")",
            "  --crash          kill the process (like kill -9) halfway, while the database is down;",
            "                   the next run in the same --dir recovers from the log and checks the result",
            "  --dir DIR        the log and the embedded H2 database (default: " + defaultDir() + ")",
            "  --duration S     seconds of trading, " + MIN_SECONDS + " to " + MAX_SECONDS + " (default: "
                    + DEFAULT_DURATION.toSeconds() + ")",
            "  --jdbc-url URL   run against this PostgreSQL or MariaDB database instead of the embedded H2;",
            "                   the demo creates (and on each fresh run drops) its own tables, all named demo_*",
            "  --user, --password  the database's credentials",
            "Exit status: 0 PASS, 1 FAIL, 2 usage error, 3 the demo could not run, 137 killed by --crash");

    /** The default {@code --dir}: {@code wal4j-demo} in the system's temporary directory. */
    static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "wal4j-demo");
    }

    /**
     * @throws UsageException with a one-line message for an unknown option, a missing or
     *                                  malformed value
     */
    static DemoOptions parse(String... args) {
        Path dir = defaultDir();
        String url = null;
        String user = null;
        String password = null;
        boolean crash = false;
        Duration duration = DEFAULT_DURATION;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    return new DemoOptions(dir, null, null, null, false, duration, true);
                }
                case "--crash" -> crash = true;
                case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                case "--jdbc-url" -> url = value(args, ++i, "--jdbc-url");
                case "--user" -> user = value(args, ++i, "--user");
                case "--password" -> password = value(args, ++i, "--password");
                case "--duration" -> duration = seconds(value(args, ++i, "--duration"));
                default -> throw new UsageException("unknown option '" + args[i] + "'");
            }
        }
        if (url == null && (user != null || password != null)) {
            throw new UsageException("--user and --password go with --jdbc-url");
        }
        return new DemoOptions(dir, url, user, password, crash, duration, false);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static Duration seconds(String text) {
        int seconds;
        try {
            seconds = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException("--duration must be a whole number of seconds but was '" + text + "'");
        }
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw new UsageException("--duration must be between " + MIN_SECONDS + " and " + MAX_SECONDS
                    + " seconds but was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
