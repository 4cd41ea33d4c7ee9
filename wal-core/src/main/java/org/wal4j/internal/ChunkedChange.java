package org.wal4j.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.wal4j.WalEntry;
import org.wal4j.spi.WalStorage;

/**
 * One administrative change (requeue, discard, re-apply) applied to many entries: the entries are
 * gathered per target into chunks of {@link #CHUNK}, and each full chunk becomes one task on that
 * target's worker, which runs it between batches so it never races with the worker's draining.
 * Chunks bound both the memory a large change holds and how long one task keeps a worker from
 * applying. The skeleton shared by {@link DeadLetterQueue} and {@link ReplayRunner}.
 *
 * <p>Not thread-safe: one caller feeds it, then calls {@link #finish()}.
 */
final class ChunkedChange {
    static final int CHUNK = 1000;

    private final Map<String, TargetWorker> workers;
    private final BiFunction<TargetWorker, List<WalEntry>, List<Long>> change;
    private final Map<String, List<WalEntry>> chunks = new LinkedHashMap<>();
    private int changed;

    /** @param change run on a target's worker with a chunk; returns the seqs it changed */
    ChunkedChange(Map<String, TargetWorker> workers, BiFunction<TargetWorker, List<WalEntry>, List<Long>> change) {
        this.workers = workers;
        this.change = change;
    }

    /** The worker of {@code target}; refuses a target this Wal does not have, naming those it has. */
    static TargetWorker requireWorker(Map<String, TargetWorker> workers, String target) {
        TargetWorker worker = workers.get(target);
        if (worker == null) {
            throw new IllegalArgumentException("no target '" + target + "'; targets are " + workers.keySet());
        }
        return worker;
    }

    /** Adds {@code entry} for {@code target}, submitting the target's chunk (and waiting for it) when it is full. */
    void add(String target, WalEntry entry) {
        List<WalEntry> chunk = chunks.computeIfAbsent(target, t -> new ArrayList<>());
        chunk.add(entry);
        if (chunk.size() == CHUNK) {
            submit(target, chunk);
            chunk.clear();
        }
    }

    /** Submits the chunks not yet full; returns how many entries the change changed in all. */
    int finish() {
        chunks.forEach((target, chunk) -> {
            if (!chunk.isEmpty()) {
                submit(target, chunk);
                chunk.clear();
            }
        });
        return changed;
    }

    private void submit(String target, List<WalEntry> chunk) {
        List<WalEntry> copy = List.copyOf(chunk);
        changed += WalStorage.await(requireWorker(workers, target).submit(w -> change.apply(w, copy))).size();
    }
}
