package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.util.List;
import org.wal4j.Lifecycle;

/**
 * A critical method of a wrapped DAO interface, as {@link RepositoryModel} resolved it: what its
 * calls become in the log (namespace, operation, lane key, payload, targets) and how a call
 * answers ({@link ReturnKind}, and the target whose DAO result it returns).
 *
 * <p>Immutable and thread-safe.
 */
final class CriticalMethod {
    private final Method method;
    private final String display;
    private final String namespace;
    private final String operation;
    private final int keyIndex;
    private final List<String> targets;
    private final String resultTarget;
    private final ReturnKind returnKind;
    private final ArgumentCodec codec;
    private final Lifecycle lifecycle;
    private final MethodRejections rejections;

    /**
     * @param keyIndex  the lane-key argument, or {@link RepositoryOptions#KEYLESS}
     * @param lifecycle the entries' own lifecycle, or null to take the {@code Wal}'s when written
     * @param rejections the exceptions that reject a call when the DAO throws them during apply
     */
    CriticalMethod(Method method, String display, String namespace, String operation, int keyIndex,
                   List<String> targets, String resultTarget, ArgumentCodec codec, Lifecycle lifecycle,
                   MethodRejections rejections) {
        this.method = method;
        this.display = display;
        this.namespace = namespace;
        this.operation = operation;
        this.keyIndex = keyIndex;
        this.targets = List.copyOf(targets);
        this.resultTarget = resultTarget;
        this.returnKind = ReturnKind.of(method);
        this.codec = codec;
        this.lifecycle = lifecycle;
        this.rejections = rejections;
    }

    Method method() {
        return method;
    }

    /** {@code AccountDao.debit(String, BigDecimal)}, for messages. */
    String display() {
        return display;
    }

    String namespace() {
        return namespace;
    }

    String operation() {
        return operation;
    }

    /** The lane key of a call, or null for a keyless method. */
    String key(Object[] args) {
        return keyIndex == RepositoryOptions.KEYLESS ? null : LaneKeys.text(display, method, keyIndex, args[keyIndex],
                "nothing was written");
    }

    /** The targets that apply the calls. */
    List<String> targets() {
        return targets;
    }

    /** The target whose DAO result the call returns. */
    String resultTarget() {
        return resultTarget;
    }

    ReturnKind returnKind() {
        return returnKind;
    }

    ArgumentCodec codec() {
        return codec;
    }

    /** The entries' own lifecycle, or null: they take the {@code Wal}'s for their namespace. */
    Lifecycle lifecycle() {
        return lifecycle;
    }

    /** Which exceptions of the DAO reject a call rather than fail it. */
    MethodRejections rejections() {
        return rejections;
    }

    @Override
    public String toString() {
        return display + " -> " + namespace + "/" + operation + (keyIndex == RepositoryOptions.KEYLESS ? " keyless"
                : " key=argument " + keyIndex) + " targets=" + targets + (lifecycle == null ? "" : " " + lifecycle);
    }
}
