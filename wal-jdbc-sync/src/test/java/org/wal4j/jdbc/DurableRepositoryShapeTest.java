package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.TypeVariable;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a repository is wired, read by reflection so that it also runs (and fails) against the old
 * shape: one typed builder ({@code DurableRepository.builder(Class<T>)}) whose targets each take a
 * DAO of type {@code T}, and no second place that names targets ({@code RepositoryOptions}) or
 * wraps an already-built Wal ({@code wrap}). The only other entry point moves a built proxy to a
 * new Wal after a failure ({@code rebind}); it builds nothing.
 */
class DurableRepositoryShapeTest {

    private static List<String> publicStatic(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).sorted().toList();
    }

    @Test
    void aRepositoryIsBuiltByATypedBuilder_notWrappedAfterTheFact() throws Exception {
        assertEquals(List.of("builder", "lastReceipt", "rebind"), publicStatic(DurableRepository.class),
                "built by the builder; lastReceipt is the per-thread receipt of a call and rebind moves a built "
                + "repository to a new Wal after a failure: neither is a second way to wire");
        Method builder = DurableRepository.class.getMethod("builder", Class.class);
        Class<?> builderType = builder.getReturnType();
        Method target = builderType.getMethod("target", JdbcSyncTarget.class, Object.class);
        assertTrue(target.getGenericParameterTypes()[1] instanceof TypeVariable,
                "the DAO of a target is typed as the interface: " + target.toGenericString());
    }

    @Test
    void optionsNameNoTargets_theRepositoryBuilderDoes() {
        List<String> targetSetters = Arrays.stream(RepositoryOptions.Builder.class.getMethods())
                .filter(m -> m.getName().equals("target")).map(Method::toString).toList();
        assertEquals(List.of(), targetSetters);
    }
}
