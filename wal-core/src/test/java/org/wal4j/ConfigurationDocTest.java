package org.wal4j;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.wal4j.testing.DocTables;

/** docs/configuration.md's tables of wal-core are those rendered from the descriptors. */
class ConfigurationDocTest {
    @Test
    void walConfigTable_isRenderedFromTheDescriptors() throws IOException {
        DocTables.assertTable("WalConfig", WalConfig.settings().renderMarkdown());
    }

    @Test
    void perTargetBreakerTable_isRenderedFromTheDescriptors() throws IOException {
        DocTables.assertTable("WalConfig per target", WalConfig.settings().renderPerTargetMarkdown());
    }

    @Test
    void lifecycleTable_isRenderedFromTheDescriptors() throws IOException {
        DocTables.assertTable("Lifecycle", WalConfig.lifecycleSettings().renderMarkdown());
    }
}
