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
    private final int requestIdIndex;
    private final CallOutcomes outcomes;
    private final MethodRejections rejections;

    /**
     * @param keyIndex  the lane-key argument, or {@link RepositoryOptions#KEYLESS}
     * @param alsoKeyIndexes further lane-key arguments (a transfer's credited account), whose
     *                       lanes the call's entry also belongs to ({@link WalEntry#alsoKeys()})
     * @param lifecycle the entries' own lifecycle, or null to take the {@code Wal}'s when written
     * @param requestIdIndex the {@link IdempotencyKey} argument, or {@link #NO_REQUEST_ID}
     * @param outcomes  how outcomes are stored for retries; null without a request id
     * @param rejections the exceptions that reject a call when the DAO throws them during apply
     */
    CriticalMethod(Method method, String display, String namespace, String operation, int keyIndex,
                   List<Integer> alsoKeyIndexes, List<String> targets, String resultTarget, ArgumentCodec codec,
                   Lifecycle lifecycle, int requestIdIndex, CallOutcomes outcomes, MethodRejections rejections) {
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
        this.requestIdIndex = requestIdIndex;
        this.outcomes = outcomes;
        this.rejections = rejections;
    }

    /** {@link #requestIdIndex} of a method without an {@link IdempotencyKey} parameter. */
    static final int NO_REQUEST_ID = -1;

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

    /** Whether the method has an {@link IdempotencyKey} parameter. */
    boolean hasRequestId() {
        return requestIdIndex != NO_REQUEST_ID;
    }

    /**
     * The entry's idempotency key for a call with {@code args}: null (the entry id) without a
     * request id, otherwise made by {@link RequestIds#idempotencyKey}.
     *
     * @throws IllegalArgumentException if the request id is not valid; nothing was written
     */
    String idempotencyKey(Object[] args) {
        return hasRequestId() ? RequestIds.idempotencyKey(display, method, requestIdIndex, operation,
                args[requestIdIndex]) : null;
    }

    /** How the outcomes of calls are stored for their retries; null without a request id. */
    CallOutcomes outcomes() {
        return outcomes;
    }

    /** Which exceptions of the DAO reject a call rather than fail it. */
    MethodRejections rejections() {
        return rejections;
    }

    @Override
    public String toString() {
        return display + " -> " + namespace + "/" + operation + (keyIndex == RepositoryOptions.KEYLESS ? " keyless"
                : " key=argument " + keyIndex) + (alsoKeyIndexes.isEmpty() ? "" : " alsoKeys=arguments "
                + alsoKeyIndexes) + " targets=" + targets + (hasRequestId() ? " requestId=argument " + requestIdIndex : "")
                + (lifecycle == null ? "" : " " + lifecycle);
    }
}
