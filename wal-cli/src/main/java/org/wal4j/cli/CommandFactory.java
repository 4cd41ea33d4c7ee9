package org.wal4j.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates command objects for picocli, handing the {@link Environment} to every class with a
 * constructor that takes one; everything else (mixins, converters) picocli's default factory
 * makes.
 *
 * <p>Thread-safe.
 */
final class CommandFactory implements CommandLine.IFactory {
    private final Environment environment;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(Environment environment) {
        this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> withEnvironment;
        try {
            withEnvironment = type.getDeclaredConstructor(Environment.class);
        } catch (NoSuchMethodException e) {
            return fallback.create(type);
        }
        withEnvironment.setAccessible(true);
        return withEnvironment.newInstance(environment);
    }
}
