package org.wal4j.config;

import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * Levenshtein distance between keys, for "did you mean" in the refusal of an unknown setting (by
 * {@code Wal}'s own configuration and by bridges such as the Spring Boot starter's).
 */
public final class EditDistance {
    private EditDistance() {
    }

    /** The number of single-character insertions, deletions and substitutions from {@code a} to {@code b}. */
    public static int between(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /** The candidate nearest to {@code key} (the first of equally near ones), or null if there is none. */
    public static @Nullable String nearest(String key, Collection<String> candidates) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = between(key, candidate);
            if (d < best) {
                best = d;
                nearest = candidate;
            }
        }
        return nearest;
    }
}
