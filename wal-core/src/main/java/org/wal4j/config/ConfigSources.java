package org.wal4j.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Where settings are read from: layers of properties and environment variables, each later layer
 * taking precedence over the earlier ones. The usual order is
 * {@code ConfigSources.defaults().properties(path).environment()}: defaults, then a properties
 * file, then the environment; a value set in code on a builder after that wins over all of them.
 *
 * <p>A setting is looked up by its property name in a properties layer ({@code wal.retention}) and
 * by its environment variable in an environment layer ({@code WAL_RETENTION}: upper case, dots
 * and dashes to underscores). Blank values count as absent. Every value found carries its origin,
 * which error messages name: {@code property wal.retention (from /etc/app/wal.properties)} or
 * {@code environment variable WAL_RETENTION}.
 *
 * <p>Immutable and thread-safe; each method returns a new source. The layers copy what they are
 * given when they are added.
 */
public final class ConfigSources {
    private static final ConfigSources DEFAULTS = new ConfigSources(List.of());

    private final List<Layer> layers;

    private ConfigSources(List<Layer> layers) {
        this.layers = layers;
    }

    /** No layer: every setting at its default. */
    public static ConfigSources defaults() {
        return DEFAULTS;
    }

    /** {@code wal.sync.policy} → {@code WAL_SYNC_POLICY}. */
    public static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** This source with {@code properties} on top; errors name each property alone. */
    public ConfigSources properties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        return with(new Layer(false, copy(properties), null));
    }

    /**
     * This source with the properties file {@code file} on top, read now (ISO-8859-1 escapes as
     * {@link Properties#load(Reader)}, read as UTF-8); errors name the property and the file.
     *
     * @throws UncheckedIOException naming the file if it cannot be read
     */
    public ConfigSources properties(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the properties file " + file + ": " + e, e);
        }
        return with(new Layer(false, copy(properties), file.toString()));
    }

    /** This source with the process environment on top. */
    public ConfigSources environment() {
        return environment(System.getenv());
    }

    /** This source with {@code environment} (variable to value) on top. */
    public ConfigSources environment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment must not be null");
        return with(new Layer(true, new TreeMap<>(environment), null));
    }

    /** The value of the top-most layer that has {@code property} (or its environment variable). */
    public Optional<Value> find(String property) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            Optional<Value> v = layers.get(i).find(property);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** The value of {@code setting}, if a layer has it. */
    public Optional<Value> find(Setting<?> setting) {
        return find(setting.property());
    }

    /**
     * Every key of every layer that starts with {@code prefix} ({@code wal.} for properties; the
     * environment name of it, {@code WAL_}, for variables), bottom layer first.
     */
    public List<Value> entries(String prefix) {
        List<Value> out = new ArrayList<>();
        for (Layer layer : layers) {
            String p = layer.environment ? environmentName(prefix) : prefix;
            layer.values.forEach((key, value) -> {
                if (key.startsWith(p) && !value.isBlank()) {
                    out.add(layer.value(key, value));
                }
            });
        }
        return Collections.unmodifiableList(out);
    }

    private ConfigSources with(Layer layer) {
        List<Layer> more = new ArrayList<>(layers);
        more.add(layer);
        return new ConfigSources(List.copyOf(more));
    }

    private static Map<String, String> copy(Properties properties) {
        Map<String, String> out = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            out.put(name, properties.getProperty(name));
        }
        return out;
    }

    /**
     * A value read from a source.
     *
     * @param key         the property or environment variable it was found under
     * @param text        its text, trimmed
     * @param origin      where it came from, as error messages name it
     * @param environment whether {@code key} is an environment variable
     */
    public record Value(String key, String text, String origin, boolean environment) {
    }

    private static final class Layer {
        final boolean environment;
        final Map<String, String> values;
        final @Nullable String file;

        Layer(boolean environment, Map<String, String> values, @Nullable String file) {
            this.environment = environment;
            this.values = values;
            this.file = file;
        }

        Optional<Value> find(String property) {
            String key = environment ? environmentName(property) : property;
            String text = values.get(key);
            return text == null || text.isBlank() ? Optional.empty() : Optional.of(value(key, text));
        }

        Value value(String key, String text) {
            String origin = environment ? "environment variable " + key
                    : "property " + key + (file == null ? "" : " (from " + file + ")");
            return new Value(key, text.trim(), origin, environment);
        }
    }
}
