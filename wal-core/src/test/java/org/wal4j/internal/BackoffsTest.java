package org.wal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;

class BackoffsTest {
    private static Lifecycle lifecycle(Backoff backoff, boolean jitter) {
        return Lifecycle.builder().backoff(backoff).backoffBase(Duration.ofMillis(100)).backoffMultiplier(2)
                .backoffCap(Duration.ofSeconds(1)).jitter(jitter).build();
    }

    @Test
    void withoutJitter_intervalsFollowThePolicyUpToTheCap() {
        SplittableRandom random = new SplittableRandom(1);
        assertEquals(List.of(100L, 100L, 100L, 100L, 100L), intervals(lifecycle(Backoff.FIXED, false), random));
        assertEquals(List.of(100L, 200L, 300L, 400L, 500L), intervals(lifecycle(Backoff.LINEAR, false), random));
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L), intervals(lifecycle(Backoff.EXPONENTIAL, false), random));
    }

    private static List<Long> intervals(Lifecycle l, SplittableRandom random) {
        IntervalFunction f = Backoffs.intervalFunction(l, random);
        return List.of(f.apply(1), f.apply(2), f.apply(3), f.apply(4), f.apply(5));
    }

    @Test
    void withFullJitter_intervalsAreDrawnUniformlyBetweenZeroAndTheNominal() {
        for (Backoff backoff : Backoff.values()) {
            Lifecycle l = lifecycle(backoff, true);
            IntervalFunction f = Backoffs.intervalFunction(l, new SplittableRandom(42));
            for (int attempt = 1; attempt <= 6; attempt++) {
                long nominal = l.nominalBackoff(attempt).toMillis();
                long min = Long.MAX_VALUE;
                long max = 0;
                double sum = 0;
                int draws = 4000;
                for (int i = 0; i < draws; i++) {
                    long d = f.apply(attempt);
                    assertTrue(d >= 0 && d <= nominal, backoff + " attempt " + attempt + ": " + d + " outside [0, "
                            + nominal + "]");
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                    sum += d;
                }
                double mean = sum / draws;
                assertTrue(Math.abs(mean - nominal / 2.0) < nominal * 0.05, backoff + " attempt " + attempt
                        + ": mean " + mean + " is not about half of " + nominal);
                assertTrue(min < nominal * 0.02 && max > nominal * 0.98, backoff + " attempt " + attempt
                        + ": draws [" + min + ", " + max + "] do not span [0, " + nominal + "]");
            }
        }
    }

    @Test
    void delayAfter_treatsZeroAttemptsAsOne() {
        Lifecycle l = lifecycle(Backoff.LINEAR, false);
        assertEquals(Duration.ofMillis(100), Backoffs.delayAfter(l, 0, new SplittableRandom(1)));
        assertEquals(Duration.ofMillis(300), Backoffs.delayAfter(l, 3, new SplittableRandom(1)));
    }
}
