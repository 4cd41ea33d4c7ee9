package org.wal4j.jdbc;

import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's side of a critical call under {@link RepositoryOptions.Builder#passThrough}: the
 * DAO instance of the method's result target runs the call at once, on the caller's thread, and
 * what it returns or throws is the call's answer, exactly as if the application called its DAO
 * without wal4j. Nothing is written to the log.
 *
 * <p>Thread-safe: stateless besides the immutable targets.
 */
final class PassThroughCalls {
    private static final Logger LOG = LoggerFactory.getLogger(DurableRepository.class);

    private final RepositoryTargets targets;

    private PassThroughCalls(RepositoryTargets targets) {
        this.targets = targets;
    }

    /**
     * The pass-through calls of a repository, after logging at WARN that its critical calls bypass
     * the log, which methods, where the switch came from, and the targets that will not get them.
     */
    static PassThroughCalls announce(Class<?> daoInterface, RepositoryModel model, RepositoryTargets targets,
                                     RepositoryOptions options) {
        LOG.warn(warning(daoInterface, model, targets, options));
        return new PassThroughCalls(targets);
    }

    /** The warning {@link #announce} logs. */
    static String warning(Class<?> daoInterface, RepositoryModel model, RepositoryTargets targets,
                          RepositoryOptions options) {
        List<CriticalMethod> methods = model.criticalMethods();
        List<String> skipped = targets.bindings().keySet().stream()
                .filter(t -> methods.stream().anyMatch(m -> m.targets().contains(t) && !m.resultTarget().equals(t)))
                .collect(Collectors.toList());
        return "PASS-THROUGH: the DurableRepository of " + daoInterface.getName() + " does NOT write its critical calls "
                + "to the log (passThrough=" + options.passThroughOrigin() + "): "
                + methods.stream().map(CriticalMethod::display).collect(Collectors.toList())
                + " call the DAO of their result target directly; they are not durable before the database commits, "
                + "not retried, not ordered by lane"
                + (skipped.isEmpty() ? "" : ", and targets " + skipped + " do not get them")
                + ". Meant for tests and an emergency bypass only; set wal.repository.pass.through=false "
                + "(WAL_REPOSITORY_PASS_THROUGH) to write through the log again";
    }

    /** Runs {@code method} on its result target's DAO; returns or throws what the DAO did. */
    Object call(CriticalMethod method, Object[] args) throws Throwable {
        return DaoInvoker.invoke(method.method(), targets.bindings().get(method.resultTarget()).dao(), args);
    }
}
