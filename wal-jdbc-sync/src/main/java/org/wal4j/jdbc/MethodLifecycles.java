package org.wal4j.jdbc;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.wal4j.Lifecycle;
import org.wal4j.config.Setting;
import org.wal4j.config.ValueType;

/**
 * The lifecycle of a critical method's entries, resolved once at build: the {@code Wal}'s
 * lifecycle for the method's namespace, then the lifecycle attributes of its {@link Critical}
 * annotation, then its {@link RepositoryOptions.Builder#lifecycle options}, each later one
 * winning for what it sets. A method that sets nothing gets none of its own, and its entries take
 * the {@code Wal}'s when written, exactly as before.
 *
 * <p>Every value is checked here, and a bad one is refused naming the method, the attribute and
 * the value. Stateless; thread-safe.
 */
final class MethodLifecycles {
    /** Parses durations in the configuration's forms ({@code 250ms}, {@code 30s}, {@code PT1M}). */
    private static final Setting<Duration> DURATION = Setting.builder("duration", "wal.repository.method.duration",
            ValueType.duration()).build();

    private MethodLifecycles() {
    }

    /**
     * The method's lifecycle, or null when neither the annotation nor the options set any of it.
     *
     * @param annotation the method's annotation, or null if it was made critical by name
     * @param options    the options' change for the method, or null
     * @param base       the {@code Wal}'s lifecycle for the method's namespace
     * @throws IllegalArgumentException naming the method, the attribute and the value
     */
    static Lifecycle resolve(String display, Critical annotation, UnaryOperator<Lifecycle.Builder> options,
                             Lifecycle base) {
        boolean annotated = annotation != null && setsLifecycle(annotation);
        if (!annotated && options == null) {
            return null;
        }
        Lifecycle.Builder lifecycle = base.toBuilder();
        if (annotated) {
            fromAnnotation(display, annotation, lifecycle);
        }
        if (options != null) {
            try {
                Lifecycle.Builder changed = options.apply(lifecycle);
                if (changed == null) {
                    throw new IllegalArgumentException("the change returned null instead of the builder");
                }
                lifecycle = changed;
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(display + ": RepositoryOptions.lifecycle of method '"
                        + methodName(display) + "': " + e.getMessage(), e);
            }
        }
        return lifecycle.build();
    }

    private static boolean setsLifecycle(Critical a) {
        return a.maxAttempts() != Critical.INHERIT || !a.initialDelay().isEmpty() || a.backoff().length > 0
                || !a.backoffBase().isEmpty() || !a.backoffCap().isEmpty() || !a.ttl().isEmpty()
                || a.priority().length > 0;
    }

    private static void fromAnnotation(String display, Critical a, Lifecycle.Builder lifecycle) {
        if (a.maxAttempts() != Critical.INHERIT) {
            set(display, "maxAttempts", Integer.toString(a.maxAttempts()), () -> lifecycle.maxAttempts(a.maxAttempts()));
        }
        duration(display, "initialDelay", a.initialDelay(), lifecycle::initialDelay);
        duration(display, "backoffBase", a.backoffBase(), lifecycle::backoffBase);
        duration(display, "backoffCap", a.backoffCap(), lifecycle::backoffCap);
        duration(display, "ttl", a.ttl(), lifecycle::ttl);
        if (a.backoff().length > 1) {
            throw new IllegalArgumentException(display + ": @Critical(backoff = " + Arrays.toString(a.backoff())
                    + ") names more than one backoff; give at most one");
        }
        if (a.backoff().length == 1) {
            lifecycle.backoff(a.backoff()[0]);
        }
        if (a.priority().length > 1) {
            throw new IllegalArgumentException(display + ": @Critical(priority = " + Arrays.toString(a.priority())
                    + ") names more than one priority; give at most one");
        }
        if (a.priority().length == 1) {
            lifecycle.priority(a.priority()[0]);
        }
    }

    private static void duration(String display, String attribute, String text,
                                 Consumer<Duration> setter) {
        if (text.isEmpty()) {
            return;
        }
        String origin = display + ": @Critical(" + attribute + " = \"" + text + "\")";
        Duration value = DURATION.read(text, origin);
        set(display, attribute, text, () -> setter.accept(value));
    }

    private static void set(String display, String attribute, String text, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(display + ": @Critical(" + attribute + " = " + text + ") is refused: "
                    + e.getMessage(), e);
        }
    }

    /** {@code debit} of {@code AccountDao.debit(String, BigDecimal)}. */
    private static String methodName(String display) {
        int open = display.indexOf('(');
        String qualified = open < 0 ? display : display.substring(0, open);
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }
}
