package org.wal4j.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * Registers a repository's appliers with its targets: for each target and each critical method
 * that target applies, a {@link DaoCallApplier} with the target's DAO instance. All operations
 * are checked first ({@link #prepare}), so a refusal leaves every target as it was. Stateless; thread-safe.
 */
final class ApplierRegistration {
    private ApplierRegistration() {
    }

    /**
     * Checks every registration, and returns what makes them: nothing changes on a target until
     * the returned action runs.
     *
     * @throws IllegalStateException if a target already has an applier for one of the operations
     */
    static Runnable prepare(RepositoryModel model, RepositoryTargets targets, PendingCalls pending) {
        List<Runnable> registrations = new ArrayList<>();
        targets.bindings().forEach((name, binding) -> {
            JdbcSyncTarget target = binding.target();
            for (CriticalMethod method : model.criticalMethods()) {
                if (!method.targets().contains(name)) {
                    continue;
                }
                if (target.applierFor(method.operation()) != null) {
                    throw new IllegalStateException("target '" + name + "' already has an applier for operation '"
                            + method.operation() + "' (" + method.display() + "): a target serves one repository per "
                            + "DAO interface; build one, or give the methods other @Critical(operation = ...); to move a "
                            + "repository to a new Wal (after a failure), use DurableRepository.rebind");
                }
                PendingCalls results = method.resultTarget().equals(name) ? pending : null;
                DaoCallApplier applier = new DaoCallApplier(method, binding.dao(), target, results);
                registrations.add(() -> target.registerApplier(method.operation(), applier));
            }
        });
        return () -> registrations.forEach(Runnable::run);
    }
}
