package org.wal4j.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.wal4j.EntryStatus;
import picocli.CommandLine;

/**
 * Reads an entry status by name, case-insensitive, with a message listing the statuses when the
 * name is unknown.
 *
 * <p>Stateless and thread-safe.
 */
final class StatusConverter implements CommandLine.ITypeConverter<EntryStatus> {
    private static final String NAMES = Arrays.stream(EntryStatus.values()).map(Enum::name)
            .collect(Collectors.joining(", "));

    @Override
    public EntryStatus convert(String value) {
        try {
            return EntryStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("unknown status '" + value + "'; statuses are " + NAMES);
        }
    }
}
