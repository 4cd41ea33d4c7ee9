package org.wal4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A report document rewritten in place: created with its directory if missing. */
final class ReportFile {
    private ReportFile() {
    }

    /** Replaces {@code file}'s text (empty if it does not exist) with {@code change} of it. */
    static void update(Path file, UnaryOperator<String> change) throws IOException {
        String document = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, change.apply(document), StandardCharsets.UTF_8);
    }
}
