package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalConfig;
import org.wal4j.config.ConfigSources;
import org.wal4j.testing.DocTables;

/**
 * The pass-through switch as a setting: its docs table, reading it from the environment or
 * properties (code wins), refusing a bad value, the loud warning at build, and a call that
 * reaches the DAO on the caller's thread without a log entry.
 */
class RepositoryPassThroughTest {
    @TempDir
    Path logDir;
    private MemoryRepository repository;

    interface Counter {
        @Critical(namespace = "counter")
        int add(@LaneKey String key, int amount);
    }

    /** Records the thread each call ran on. */
    static final class RecordingCounter implements Counter {
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public int add(String key, int amount) {
            threads.add(Thread.currentThread().getName());
            return amount * 2;
        }
    }

    @AfterEach
    void close() {
        if (repository != null) {
            repository.close();
        }
    }

    @Test
    void repositoryOptionsTable_isRenderedFromTheDescriptors() throws IOException {
        DocTables.assertTable("RepositoryOptions", RepositoryOptions.settings().renderMarkdown());
    }

    @Test
    void load_readsPassThroughFromTheEnvironmentOrProperties_codeWins() {
        ConfigSources env = ConfigSources.defaults().environment(Map.of("WAL_REPOSITORY_PASS_THROUGH", "TRUE"));
        Properties properties = new Properties();
        properties.setProperty("wal.repository.pass.through", "true");

        assertFalse(RepositoryOptions.ofDefaults().passThrough());
        assertTrue(RepositoryOptions.builder().load(env).build().passThrough());
        assertTrue(RepositoryOptions.builder().load(ConfigSources.defaults().properties(properties)).build().passThrough());
        assertFalse(RepositoryOptions.builder().passThrough(false).load(env).build().passThrough(), "code wins");
        assertTrue(RepositoryOptions.builder().load(env).build().toString().contains("passThrough=true"));
        assertEquals("true, environment variable WAL_REPOSITORY_PASS_THROUGH",
                RepositoryOptions.builder().load(env).build().passThroughOrigin());
        WalConfig.builder().load(env).build(); // the Wal's configuration knows the key (service-loaded catalog)
    }

    @Test
    void load_refusesABadValue_andATypo_namingTheVariable() {
        assertEquals("environment variable WAL_REPOSITORY_PASS_THROUGH must be true or false but was 'yes'",
                assertThrows(IllegalArgumentException.class, () -> RepositoryOptions.builder()
                        .load(ConfigSources.defaults().environment(Map.of("WAL_REPOSITORY_PASS_THROUGH", "yes"))))
                        .getMessage());
        Properties typo = new Properties();
        typo.setProperty("wal.repository.passthrough", "true");
        assertEquals("unknown property wal.repository.passthrough; did you mean wal.repository.pass.through?",
                assertThrows(IllegalArgumentException.class, () -> RepositoryOptions.builder()
                        .load(ConfigSources.defaults().properties(typo))).getMessage());
    }

    @Test
    void build_withPassThrough_warnsLoudly_andCallsRunOnTheCallersThreadWithoutAnEntry() {
        repository = new MemoryRepository(logDir);
        RecordingCounter dao = new RecordingCounter();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Counter counter;
        try {
            counter = repository.wrap(Counter.class, dao, o -> o.load(ConfigSources.defaults()
                    .environment(Map.of("WAL_REPOSITORY_PASS_THROUGH", "true"))));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertTrue(log.contains("WARN") && log.contains("PASS-THROUGH: the DurableRepository of " + Counter.class.getName()
                + " does NOT write its critical calls to the log (passThrough=true, environment variable "
                + "WAL_REPOSITORY_PASS_THROUGH): [Counter.add(String, int)]"), log);
        assertEquals(14, counter.add("k", 7));
        assertEquals(List.of(Thread.currentThread().getName()), dao.threads, "run by the caller, not a worker");
        assertEquals(0, repository.lastSeq(), "nothing written");
        assertTrue(counter.toString().contains("PASS-THROUGH"), counter::toString);
    }
}
