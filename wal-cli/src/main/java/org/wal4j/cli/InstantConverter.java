package org.wal4j.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Reads a point in time given as ISO-8601: an instant ({@code 2026-01-31T12:00:00Z}), a date-time
 * with an offset ({@code 2026-01-31T13:00:00+01:00}), or a date ({@code 2026-01-31}, midnight UTC).
 *
 * <p>Stateless and thread-safe.
 */
final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    throw new CommandLine.TypeConversionException("'" + value
                            + "' is not an ISO-8601 time such as 2026-01-31T12:00:00Z or 2026-01-31");
                }
            }
        }
    }
}
