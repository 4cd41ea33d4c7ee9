package org.wal4j.storage.file;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.storage.file.FaultInjectingFileSystem.CrashMode;

/**
 * RELIABILITY row 9: random chains of appends (single and batch), status changes (applied,
 * retrying, dead, requeue, discard, expired, and re-opening a finished entry), checkpoints,
 * rotations, compactions, syncs, clean reopens and power losses (between actions, during an
 * append, and during the reopen after one) run against a file log on a
 * {@link FaultInjectingFileSystem} and against its model ({@link ModelledLog}). After every action
 * the log must show exactly the model's state: held entries, statuses, unfinished lists, dead
 * letters, checkpoints and counts; after a power loss, exactly one of the states the crash may
 * leave. Segments are the smallest allowed (1 KiB), so rotations, status-only parts and
 * compactions of several segments happen in most chains.
 */
class LogModelTest {
    private static final ModelledLog.Stats STATS = new ModelledLog.Stats();
    private static final AtomicLong SEEDS = new AtomicLong(System.nanoTime());
    private final List<ModelledLog> opened = new ArrayList<>();

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void fileLog_agreesWithItsModel_afterEveryAction(@ForAll("chains") ActionChain<ModelledLog> chain) {
        chain.withInvariant("log matches model", ModelledLog::checkMatchesModel).run();
    }

    @Property(tries = 600, shrinking = ShrinkingMode.BOUNDED)
    @Tag("stress")
    void fileLog_agreesWithItsModel_afterEveryAction_longChains(@ForAll("longChains") ActionChain<ModelledLog> chain) {
        chain.withInvariant("log matches model", ModelledLog::checkMatchesModel).run();
    }

    @Provide
    Arbitrary<ActionChain<ModelledLog>> chains() {
        return actions(50);
    }

    @Provide
    Arbitrary<ActionChain<ModelledLog>> longChains() {
        return actions(120);
    }

    private Arbitrary<ActionChain<ModelledLog>> actions(int maxActions) {
        return ActionChain.startWith(this::newLog)
                .withAction(6, new AppendOne())
                .withAction(3, new AppendBatch())
                .withAction(10, new ChangeStatus(1))
                .withAction(4, new ChangeStatus(4))
                .withAction(3, new SaveCheckpoint())
                .withAction(4, new Compact())
                .withAction(2, Action.just("rotate", Transformer.mutate("rotate", ModelledLog::rotate)))
                .withAction(1, Action.just("sync", Transformer.mutate("sync", ModelledLog::sync)))
                .withAction(2, Action.just("reopen", Transformer.mutate("reopen", ModelledLog::reopen)))
                .withAction(3, new Crash())
                .withAction(2, new CrashDuringAppend())
                .withMaxTransformations(maxActions);
    }

    private ModelledLog newLog() {
        ModelledLog log = new ModelledLog(STATS, SEEDS.incrementAndGet());
        opened.add(log);
        return log;
    }

    @AfterTry
    void closeLogs() {
        for (ModelledLog log : opened) {
            log.close();
        }
        opened.clear();
    }

    @AfterContainer
    static void report() {
        System.out.println("LogModelTest: " + STATS);
    }

    private static Arbitrary<List<String>> targets() {
        return Arbitraries.of(List.of("primary"), List.of("replica"), ModelledLog.TARGETS);
    }

    private static final class AppendOne implements Action.Independent<ModelledLog> {
        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer() {
            return Combinators.combine(targets(), Arbitraries.integers().between(0, 300)).as((targets, size) ->
                    Transformer.mutate("append 1 (" + size + " bytes for " + targets + ")",
                            s -> s.append(List.of(s.newEntry(targets, size)))));
        }
    }

    private static final class AppendBatch implements Action.Independent<ModelledLog> {
        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer() {
            return Combinators.combine(targets(), Arbitraries.integers().between(2, 6),
                    Arbitraries.integers().between(0, 200)).as((targets, count, size) ->
                    Transformer.mutate("append " + count + " (" + size + " bytes each for " + targets + ")", s -> {
                        List<WalEntry> batch = new ArrayList<>();
                        for (int i = 0; i < count; i++) {
                            batch.add(s.newEntry(targets, size));
                        }
                        s.append(batch);
                    }));
        }
    }

    /** What an applier or an operator does next to one entry for one target. */
    private enum Intent { APPLIED, RETRY, DEAD, EXPIRED, REQUEUE, DISCARD, REOPEN_FINISHED }

    /**
     * Status changes of up to {@code maxRecords} (entry, target) pairs in one call, each valid for
     * the status the pair has when the action is generated. The choices are made from a snapshot of
     * the state: jqwik may draw from the arbitrary again while shrinking, when the state has moved on.
     */
    private static final class ChangeStatus implements Action.Dependent<ModelledLog> {
        private final int maxRecords;

        ChangeStatus(int maxRecords) {
            this.maxRecords = maxRecords;
        }

        @Override
        public boolean precondition(ModelledLog s) {
            return s.model.stats().entries() > 0;
        }

        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer(ModelledLog s) {
            List<StatusRecord> choices = new ArrayList<>();
            List<WalEntry> held;
            try (var all = s.model.scan(1)) {
                held = all.toList();
            }
            Instant at = ModelledLog.T0.plusSeconds(s.ticks());
            for (WalEntry e : held) {
                for (String target : e.targets()) {
                    EntryStatus status = s.model.status(e.seq(), target).orElseThrow();
                    int attempts = s.model.unfinished(target, e.seq() - 1, 1).stream()
                            .filter(t -> t.entry().seq() == e.seq()).mapToInt(TrackedEntry::attempts).findFirst().orElse(0);
                    for (Intent intent : intents(status)) {
                        choices.add(record(e.seq(), target, intent, attempts, at));
                    }
                }
            }
            return Arbitraries.of(choices).list().ofMinSize(1).ofMaxSize(maxRecords).map(records ->
                    Transformer.mutate("status " + describe(records), state -> state.status(records)));
        }

        private static List<Intent> intents(EntryStatus status) {
            switch (status) {
                case PENDING:
                case RETRYING:
                    return List.of(Intent.APPLIED, Intent.RETRY, Intent.DEAD, Intent.EXPIRED);
                case DEAD:
                    return List.of(Intent.REQUEUE, Intent.DISCARD);
                default:
                    return List.of(Intent.REOPEN_FINISHED);
            }
        }

        private static StatusRecord record(long seq, String target, Intent intent, int attempts, Instant at) {
            switch (intent) {
                case APPLIED:
                    return StatusRecord.of(seq, target, EntryStatus.APPLIED, attempts + 1, at);
                case RETRY:
                    return new StatusRecord(seq, target, EntryStatus.RETRYING, attempts + 1, at,
                            "timeout after attempt " + (attempts + 1));
                case DEAD:
                    return new StatusRecord(seq, target, EntryStatus.DEAD, attempts + 1, at, "constraint \"uk\" violated");
                case EXPIRED:
                    return new StatusRecord(seq, target, EntryStatus.EXPIRED, attempts, at, "ttl passed");
                case REQUEUE:
                    return StatusRecord.of(seq, target, EntryStatus.PENDING, 0, at);
                case DISCARD:
                    return new StatusRecord(seq, target, EntryStatus.DISCARDED, 0, at, "discarded by operator");
                default:
                    return new StatusRecord(seq, target, EntryStatus.PENDING, 0, at, "replay requested");
            }
        }

        private static String describe(List<StatusRecord> records) {
            return records.stream().map(r -> r.seq() + "/" + r.target() + "->" + r.status()).toList().toString();
        }
    }

    private static final class SaveCheckpoint implements Action.Dependent<ModelledLog> {
        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer(ModelledLog s) {
            long lastSeq = s.model.lastSeq();
            return Combinators.combine(Arbitraries.of(ModelledLog.TARGETS),
                    Arbitraries.longs().between(0, lastSeq)).as((target, seq) ->
                    Transformer.mutate("checkpoint " + target + " " + seq, state -> state.checkpoint(target, seq)));
        }
    }

    private static final class Compact implements Action.Dependent<ModelledLog> {
        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer(ModelledLog s) {
            long lastSeq = s.model.lastSeq();
            int ticks = s.ticks();
            return Combinators.combine(Arbitraries.longs().between(0, lastSeq),
                    Arbitraries.integers().between(0, ticks + 2)).as((safePoint, ms) ->
                    Transformer.mutate("compact(" + safePoint + ", T0+" + ms + "ms)",
                            state -> state.compact(safePoint, ModelledLog.T0.plusMillis(ms))));
        }
    }

    private static final class Crash implements Action.Independent<ModelledLog> {
        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer() {
            Arbitrary<Integer> reopenCrash = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 40));
            return Combinators.combine(Arbitraries.of(CrashMode.class), reopenCrash, Arbitraries.of(CrashMode.class))
                    .as((mode, calls, reopenMode) -> Transformer.mutate("power loss (" + mode + ")"
                            + (calls > 0 ? ", again " + calls + " I/O calls into the reopen (" + reopenMode + ")" : ""),
                            s -> s.crash(mode, calls, reopenMode)));
        }
    }

    private static final class CrashDuringAppend implements Action.Independent<ModelledLog> {
        @Override
        public Arbitrary<Transformer<ModelledLog>> transformer() {
            return Combinators.combine(targets(), Arbitraries.integers().between(1, 5),
                    Arbitraries.integers().between(1, 10), Arbitraries.of(CrashMode.class))
                    .as((targets, count, calls, mode) -> Transformer.mutate("append " + count + " with a power loss "
                            + calls + " I/O calls in (" + mode + ")", s -> {
                                List<WalEntry> batch = new ArrayList<>();
                                for (int i = 0; i < count; i++) {
                                    batch.add(s.newEntry(targets, 40 * i));
                                }
                                s.crashDuringAppend(batch, calls, mode);
                            }));
        }
    }
}
