package org.wal4j.spi;

import java.util.List;
import org.wal4j.EntryTooLargeException;
import org.wal4j.WalEntry;

/**
 * The checks every storage makes on entries to append, before anything is written: a
 * {@link WalStorage#appendAsync} implementation calls {@link #check} first, so that every storage
 * refuses the same input with the same message.
 *
 * <p>Thread-safe: stateless.
 */
public final class AppendChecks {
    private AppendChecks() {
    }

    /**
     * @throws IllegalArgumentException for a null or empty list, a null entry, an entry with a
     *                                  sequence number already assigned, or with no target
     * @throws EntryTooLargeException   for a payload over {@code maxEntryBytes}
     */
    public static void check(List<WalEntry> entries, int maxEntryBytes) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException("entries to append must not be " + (entries == null ? "null" : "empty"));
        }
        for (int i = 0; i < entries.size(); i++) {
            WalEntry entry = entries.get(i);
            if (entry == null) {
                throw new IllegalArgumentException("entry " + i + " of " + entries.size() + " to append is null");
            }
            if (entry.seq() != WalEntry.UNASSIGNED) {
                throw new IllegalArgumentException("entry " + entry.id() + " already has seq " + entry.seq()
                        + "; append entries built with WalEntry.builder()");
            }
            if (entry.targets().isEmpty()) {
                throw new IllegalArgumentException("entry " + entry.id() + " names no target; the Wal fills in "
                        + "every target, a storage needs them explicit");
            }
            // a char takes at most 3 bytes of UTF-8 (a surrogate pair 4 for its 2 chars): only a payload
            // that could be over the limit is measured, which spares appends a pass over every payload
            if (3L * entry.payload().length() > maxEntryBytes) {
                long size = utf8Length(entry.payload());
                if (size > maxEntryBytes) {
                    throw new EntryTooLargeException(entry.namespace(), entry.operation(), size, maxEntryBytes);
                }
            }
        }
    }

    /** The length of {@code s} in UTF-8, without encoding it. */
    public static long utf8Length(String s) {
        long length = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 2; // 4 bytes for 2 chars
                    i++;
                } else {
                    length += 2;
                }
            }
        }
        return length;
    }
}
