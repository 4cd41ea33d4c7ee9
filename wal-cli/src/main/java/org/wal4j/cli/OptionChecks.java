package org.wal4j.cli;

import org.wal4j.ReplayQuery;
import org.wal4j.UserContext;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks option values against the log's own naming rules, turning a refusal into a usage error
 * that names the option.
 *
 * <p>Stateless and thread-safe.
 */
final class OptionChecks {
    private OptionChecks() {
    }

    /** Runs {@code validation}; an {@link IllegalArgumentException} from it becomes a usage error for {@code option}. */
    static void check(CommandSpec spec, String option, Runnable validation) {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /** Refuses a target name the log would refuse, as a usage error for {@code option}. */
    static void requireTarget(CommandSpec spec, String option, String target) {
        check(spec, option, () -> ReplayQuery.builder().target(target));
    }

    /** The user an audited command acts as; a name the log would refuse is a usage error for {@code option}. */
    static UserContext parseUser(CommandSpec spec, String option, String name) {
        UserContext[] user = new UserContext[1];
        check(spec, option, () -> user[0] = UserContext.of(name, null));
        return user[0];
    }
}
