package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import org.wal4j.WalEntry;
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
    /** Further {@link LaneKey} arguments: the call's entry is ordered in their lanes too. */
    private final List<Integer> alsoKeyIndexes;
    private final List<String> targets;
    private final String resultTarget;
    private final ReturnKind returnKind;
    private final ArgumentCodec codec;
    private final Lifecycle lifecycle;

    /**
     * @param keyIndex  the lane-key argument, or {@link RepositoryOptions#KEYLESS}
     * @param lifecycle the entries' own lifecycle, or null to take the {@code Wal}'s when written
     */
    CriticalMethod(Method method, String display, String namespace, String operation, int keyIndex,
                   List<String> targets, String resultTarget, ArgumentCodec codec, Lifecycle lifecycle) {
        this(method, display, namespace, operation, keyIndex, List.of(), targets, resultTarget, codec, lifecycle);
    }

    /**
     * @param alsoKeyIndexes further lane-key arguments (a transfer's credited account), whose
     *                       lanes the call's entry also belongs to ({@link WalEntry#alsoKeys()})
     */
    CriticalMethod(Method method, String display, String namespace, String operation, int keyIndex,
                   List<Integer> alsoKeyIndexes, List<String> targets, String resultTarget, ArgumentCodec codec,
                   Lifecycle lifecycle) {
        this.alsoKeyIndexes = List.copyOf(alsoKeyIndexes);
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

    /**
     * The other lane keys of a call ({@link WalEntry#alsoKeys()}): the texts of the further
     * {@link LaneKey} arguments, each once, without the call's {@link #key} (a transfer from an
     * account to itself is in one lane).
     */
    List<String> alsoKeys(Object[] args, String key) {
        if (alsoKeyIndexes.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> others = new LinkedHashSet<>();
        for (int index : alsoKeyIndexes) {
            others.add(LaneKeys.text(display, method, index, args[index], "nothing was written"));
        }
        others.remove(key);
        return List.copyOf(others);
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

    @Override
    public String toString() {
        return display + " -> " + namespace + "/" + operation + (keyIndex == RepositoryOptions.KEYLESS ? " keyless"
                : " key=argument " + keyIndex) + (alsoKeyIndexes.isEmpty() ? "" : " alsoKeys=arguments "
                + alsoKeyIndexes) + " targets=" + targets + (lifecycle == null ? "" : " " + lifecycle);
    }
}
