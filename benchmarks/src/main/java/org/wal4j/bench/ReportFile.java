package org.wal4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A report document rewritten in place: created with its directory if missing. A document has
 * parts, each starting with its marker line and an introduction; a part holds one section per
 * labelled run, between {@code <!-- kind: label -->} and {@code <!-- /kind: label -->}, replaced
 * by a run of the same label.
 */
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

    /** The line that begins the section of run {@code label} of {@code kind}. */
    static String begin(String kind, String label) {
        if (label.contains("-->") || label.contains("\n")) {
            throw new IllegalArgumentException("A report label must be one line without '-->' but was '" + label + "'");
        }
        return "<!-- " + kind + ": " + label + " -->";
    }

    /** The line that ends the section of run {@code label} of {@code kind}. */
    static String end(String kind, String label) {
        return "<!-- /" + kind + ": " + label + " -->";
    }

    /**
     * {@code document} with the section of run {@code label} of {@code kind} replaced by
     * {@code section}; a new one goes at the end of the part {@code partMarker} begins (the part,
     * with {@code introduction}, is added if missing), before the part {@code nextPart} begins if
     * the document has it (null: none follows).
     */
    static String merge(String document, String kind, String label, String section, String partMarker,
                        Supplier<String> introduction, @Nullable String nextPart) {
        String begin = begin(kind, label);
        String end = end(kind, label);
        int from = document.indexOf(begin);
        if (from >= 0) {
            int to = document.indexOf(end, from);
            if (to < 0) {
                throw new IllegalStateException("The report's section '" + label + "' has no end marker " + end);
            }
            int after = to + end.length();
            if (after < document.length() && document.charAt(after) == '\n') {
                after++;
            }
            return document.substring(0, from) + section + document.substring(after);
        }
        int next = nextPart == null ? -1 : document.indexOf(nextPart);
        String later = next < 0 ? "" : document.substring(next);
        StringBuilder out = new StringBuilder(next < 0 ? document : document.substring(0, next).stripTrailing() + "\n");
        if (!document.contains(partMarker)) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            out.append('\n').append(partMarker).append('\n').append(introduction.get());
        }
        if (out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        out.append('\n').append(section);
        return later.isEmpty() ? out.toString() : out.append('\n').append(later).toString();
    }
}
