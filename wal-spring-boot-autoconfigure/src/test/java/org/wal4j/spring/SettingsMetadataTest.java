package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.wal4j.config.Setting;
import org.wal4j.config.SettingCatalog;
import org.wal4j.config.SettingTable;

/**
 * The configuration metadata's hints for the keys of {@code wal4j.settings} (IDE completion, each
 * with its sentence, unit, range and default) are rendered from the setting tables of every
 * {@link SettingCatalog}: this test fails when
 * {@code src/main/resources/META-INF/additional-spring-configuration-metadata.json} differs from
 * them. Run it with {@code -Dwal4j.metadata.write=true} to rewrite the file.
 */
class SettingsMetadataTest {
    private static final Path FILE = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode expected() {
        ObjectNode root = json.createObjectNode();
        ArrayNode hints = root.putArray("hints");
        ObjectNode keys = hints.addObject();
        keys.put("name", "wal4j.settings.keys");
        ArrayNode values = keys.putArray("values");
        for (SettingCatalog catalog : ServiceLoader.load(SettingCatalog.class)) {
            SettingTable table = catalog.table();
            for (Setting<?> s : table.settings()) {
                String key = s.property().substring(SettingTable.PREFIX.length());
                if (key.equals("dir")) {
                    continue; // wal4j.directory
                }
                ObjectNode value = values.addObject();
                value.put("value", key);
                value.put("description", table.title() + "." + s.name() + ": " + s.doc() + ". Unit: " + s.unit()
                        + "; range: " + s.rangeText() + "; default: " + s.defaultText() + "."
                        + (s.perTarget() ? " Also per target: target.<name>." + key + "." : ""));
            }
        }
        return root;
    }

    @Test
    void hintsOfTheSettingsKeys_areRenderedFromTheSettingTables() throws IOException {
        JsonNode expected = expected();
        if (Boolean.getBoolean("wal4j.metadata.write")) {
            Files.writeString(FILE, json.writerWithDefaultPrettyPrinter().writeValueAsString(expected) + "\n");
        }
        assertEquals(expected, json.readTree(FILE.toFile()),
                "the metadata differs from the setting tables; rerun with -Dwal4j.metadata.write=true");
    }

    @Test
    void compiledMetadata_holdsTheTypedPropertiesAndTheHints() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertTrue(in != null, "the configuration processor wrote the metadata");
            JsonNode metadata = json.readTree(in);
            StringBuilder names = new StringBuilder();
            metadata.get("properties").forEach(p -> names.append(p.get("name").asText()).append(' '));
            // the endpoint's own (management.endpoint.wal4j.*) come from the processor reading @Endpoint
            assertEquals("management.endpoint.wal4j.access management.endpoint.wal4j.cache.time-to-live "
                    + "wal4j.actuator.admin-role wal4j.directory wal4j.drain-timeout wal4j.enabled "
                    + "wal4j.health.degraded-status wal4j.health.timeout wal4j.metrics.max-namespaces "
                    + "wal4j.metrics.stats-max-age wal4j.settings wal4j.targets "
                    + "management.endpoint.wal4j.enabled ", names.toString());
            assertEquals("wal4j.settings.keys", metadata.get("hints").get(0).get("name").asText());
            assertTrue(metadata.get("hints").get(0).get("values").size() > 30);
        }
    }
}
