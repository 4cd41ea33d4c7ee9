package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wal4j.spi.SyncTarget;

/**
 * The shape of the user API, read by reflection, so that these checks also run (and fail) against
 * a {@code Wal} of the old shape: a small entry point with rare operations behind
 * {@code admin()}, a user as a view rather than a twin of every method, no run of same-typed
 * parameters, targets that carry their own names, and figures that can grow without breaking a
 * constructor.
 */
class WalApiShapeTest {
    private static final Set<String> RARE = Set.of("deadLetters", "requeue", "discard", "replay", "reapply", "compact");

    private static List<Method> publicMethods(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void wal_hasNoUserContextTwins_aUserIsAView() {
        List<String> twins = publicMethods(Wal.class).stream()
                .filter(m -> Arrays.asList(m.getParameterTypes()).contains(UserContext.class)
                        && !m.getName().equals("as"))
                .map(Method::toString).toList();
        assertEquals(List.of(), twins);
        assertTrue(publicMethods(Wal.class).stream().anyMatch(m -> m.getName().equals("as")
                && m.getParameterCount() == 1 && m.getParameterTypes()[0] == UserContext.class), "Wal.as(UserContext)");
    }

    @Test
    void wal_keepsRareOperationsBehindAdmin() {
        Set<String> onWal = new TreeSet<>();
        publicMethods(Wal.class).stream().map(Method::getName).filter(RARE::contains).forEach(onWal::add);
        assertEquals(Set.of(), onWal, "rare operations on Wal itself");
        assertTrue(publicMethods(Wal.class).stream().anyMatch(m -> m.getName().equals("admin")
                && m.getParameterCount() == 0), "Wal.admin()");
    }

    @Test
    void wal_isASmallEntryPoint() {
        Set<String> names = new TreeSet<>();
        publicMethods(Wal.class).forEach(m -> names.add(m.getName() + "/" + m.getParameterCount()));
        // 25 after the issue-11 cut, + awaitAllApplied (the Wal-wide wait of issue 12), + removeListener
        // (issue 14: latency listeners for metrics come and go at any time; addListener is an overload)
        assertTrue(names.size() <= 27, names.size() + " public methods: " + names);
    }

    @Test
    void noPublicMethodOfTheEntryPoint_takesTwoStringsInARow() {
        List<String> runs = new ArrayList<>();
        for (Class<?> type : entryPointTypes()) {
            for (Method m : publicMethods(type)) {
                Class<?>[] p = m.getParameterTypes();
                for (int i = 1; i < p.length; i++) {
                    if (p[i] == String.class && p[i - 1] == String.class) {
                        runs.add(type.getSimpleName() + "." + m.getName() + Arrays.toString(p));
                        break;
                    }
                }
            }
        }
        assertEquals(List.of(), runs);
    }

    /** Wal, and the view and admin types where they exist (looked up by name: the old shape has none). */
    private static List<Class<?>> entryPointTypes() {
        List<Class<?>> types = new ArrayList<>(List.of(Wal.class));
        for (String name : List.of("org.wal4j.WalView", "org.wal4j.WalAdmin")) {
            try {
                types.add(Class.forName(name));
            } catch (ClassNotFoundException e) {
                // the old shape: nothing more to check
            }
        }
        return types;
    }

    @Test
    void targets_carryTheirOwnName_andAreAddedByIt() throws Exception {
        Method name = SyncTarget.class.getMethod("name");
        assertTrue(Modifier.isAbstract(name.getModifiers()), "SyncTarget.name() is abstract: every target has one");
        assertEquals(List.of("target(SyncTarget)"), publicMethods(Wal.Builder.class).stream()
                .filter(m -> m.getName().equals("target"))
                .map(m -> m.getName() + "(" + String.join(", ", Arrays.stream(m.getParameterTypes())
                        .map(Class::getSimpleName).toList()) + ")").toList());
    }

    @Test
    void stats_canGrow_usersConstructNeither() {
        for (Class<?> stats : List.of(TargetStats.class, WalStats.class)) {
            assertFalse(stats.isRecord(), stats.getSimpleName() + " is a record: a new component breaks its constructor");
            assertEquals(0, stats.getConstructors().length, stats.getSimpleName() + " has a public constructor");
        }
    }
}
