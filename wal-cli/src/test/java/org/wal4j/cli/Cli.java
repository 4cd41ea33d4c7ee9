package org.wal4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wal4j.AuditEvent;

/**
 * Runs {@code wal} in-process with captured stdout and stderr, a fixed clock and a recording
 * audit sink.
 */
final class Cli {
    /** The fixed time tests run at. */
    static final Instant NOW = Instant.parse("2026-01-01T01:00:00Z");

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private final Environment environment;

    Cli() {
        this(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    Cli(Clock clock) {
        this.environment = new Environment(clock, audit::add, "ops-user");
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = WalCli.commandLine(environment, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
