package org.wal4j;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/**
 * Random interleavings of writes, target outages (with and without a probe that tells), time
 * passing, wall-clock steps (back and forward, an hour or a day, without time passing) and restarts (crashes and clean stops) end, once the targets are back, with every entry
 * applied exactly once per target, in lane order, and a storage whose statuses and checkpoints
 * agree; with 1 to 4 apply partitions per target (1 to 8 under stress) over 8 lanes, so that
 * several batches are in flight when a target fails or the engine crashes.
 */
class WalPropertyTest {

    sealed interface Action permits Write, Down, Up, Advance, StepWall, Crash, CleanRestart {
    }

    record Write(int lane, int count) implements Action {
    }

    record Down(String target, boolean probeTells) implements Action {
    }

    record Up(String target) implements Action {
    }

    record Advance(Duration by) implements Action {
    }

    record StepWall(Duration by) implements Action {
    }

    record Crash() implements Action {
    }

    record CleanRestart() implements Action {
    }

    @Property(tries = 40)
    void randomWritesFailuresAndRestarts_endWithEveryEntryAppliedOncePerTargetInLaneOrder(
            @ForAll("scenarios") List<Action> actions, @ForAll @IntRange(min = 1, max = 4) int partitions) {
        run(actions, partitions);
    }

    @Property(tries = 1000)
    @Tag("stress")
    void randomWritesFailuresAndRestarts_stress(@ForAll("longScenarios") List<Action> actions,
                                                @ForAll @IntRange(min = 1, max = 8) int partitions) {
        run(actions, partitions);
    }

    private static void run(List<Action> actions, int partitions) {
        Harness h = new Harness("primary", "replica");
        try {
            h.configure(c -> c.applyPartitions(partitions).maxBatchSize(3).windowEntries(8).breakerMinimumCalls(2).breakerSlidingWindowSize(4)
                    .breakerOpenDuration(Duration.ofSeconds(30)).defaultLifecycle(Lifecycle.builder()
                            .maxAttempts(10_000).backoffBase(Duration.ofMillis(100)).backoffCap(Duration.ofSeconds(10))
                            .build()));
            h.start();
            for (Action action : actions) {
                apply(h, action);
                WalInvariants.assertStatsAddUp(h.wal.stats());
            }
            h.targets.values().forEach(ScriptedSyncTarget::up);
            h.advanceUntilSettled(h.storage.lastSeq(), Duration.ofSeconds(31));
            List<WalEntry> written = h.entries();
            for (String target : h.targets.keySet()) {
                WalInvariants.assertAppliedExactlyOnceInLaneOrder(h.target(target), written);
                WalInvariants.assertStorageConsistent(h.storage, target, true);
            }
            WalInvariants.assertStatsAddUp(h.wal.stats());
        } finally {
            h.close();
        }
    }

    private static void apply(Harness h, Action action) {
        if (action instanceof Write) {
            Write w = (Write) action;
            for (int i = 0; i < w.count(); i++) {
                h.write("p", "lane-" + w.lane());
            }
        } else if (action instanceof Down) {
            Down d = (Down) action;
            h.target(d.target()).probeKnown(d.probeTells()).down();
        } else if (action instanceof Up) {
            h.target(((Up) action).target()).up();
        } else if (action instanceof Advance) {
            h.clock.advance(((Advance) action).by());
        } else if (action instanceof StepWall) {
            h.clock.stepWall(((StepWall) action).by());
        } else if (action instanceof Crash) {
            h.crashAndRestart();
        } else {
            h.stopAndRestart();
        }
    }

    @Provide
    Arbitrary<List<Action>> scenarios() {
        return actions().list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Action>> longScenarios() {
        return actions().list().ofMinSize(10).ofMaxSize(80);
    }

    private static Arbitrary<Action> actions() {
        Arbitrary<String> target = Arbitraries.of("primary", "replica");
        Arbitrary<Action> write = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(1, 5)).as(Write::new);
        Arbitrary<Action> down = Combinators.combine(target, Arbitraries.of(true, false)).as(Down::new);
        Arbitrary<Action> up = target.map(Up::new);
        Arbitrary<Action> advance = Arbitraries.of(Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofSeconds(31), Duration.ofMinutes(5)).map(Advance::new);
        Arbitrary<Action> stepWall = Arbitraries.of(Duration.ofHours(-1), Duration.ofHours(1), Duration.ofDays(-1),
                Duration.ofDays(1)).map(StepWall::new);
        Arbitrary<Action> crash = Arbitraries.just(new Crash());
        Arbitrary<Action> clean = Arbitraries.just(new CleanRestart());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, write), net.jqwik.api.Tuple.of(2, down), net.jqwik.api.Tuple.of(2, up),
                net.jqwik.api.Tuple.of(3, advance), net.jqwik.api.Tuple.of(1, stepWall), net.jqwik.api.Tuple.of(1, crash),
                net.jqwik.api.Tuple.of(1, clean));
    }
}
