package org.wal4j.cli;

import java.util.concurrent.Callable;
import org.wal4j.WalAction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code wal dlq requeue} and {@code wal dlq discard} share: their options and the run
 * through {@link DeadLetterAction}; a subclass names its action and describes itself.
 *
 * <p>Not thread-safe: one instance per run.
 */
abstract class DlqChangeCommand implements Callable<Integer> {
    private final Environment environment;
    private final WalAction action;

    @Spec
    private CommandSpec spec;
    @Mixin
    private LogOptions log;
    @Mixin
    private JsonOption json;
    @Mixin
    private DeadLetterOptions letters;
    @Mixin
    private PayloadKeyOption payloadKeys;
    @Option(names = "--all", description = "Act on every dead letter when no filter is given.")
    private boolean all;
    @Option(names = "--user", paramLabel = "USER", description = "Who does it, for the audit; default: the OS user.")
    private String user;

    DlqChangeCommand(Environment environment, WalAction action) {
        this.environment = environment;
        this.action = action;
    }

    @Override
    public Integer call() {
        return new DeadLetterAction(action, environment).run(spec, log.source(payloadKeys), letters, all,
                user != null ? user : environment.osUser(), json.enabled());
    }
}
