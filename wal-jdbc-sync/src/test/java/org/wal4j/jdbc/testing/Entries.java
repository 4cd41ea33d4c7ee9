package org.wal4j.jdbc.testing;

import java.util.ArrayList;
import java.util.List;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.SqlStatementEntry;

/** Builds SQL-statement entries with sequence numbers, as the storage would hand them out. Thread-safe. */
public final class Entries {
    private Entries() {
    }

    /** An SQL-statement entry in namespace {@code test} with {@code seq}. */
    public static WalEntry sql(long seq, String sql, Object... parameters) {
        return SqlStatementEntry.builder("test", sql, parameters).build().withSeq(seq);
    }

    /** {@code count} entries inserting rows {@code firstId..} into {@code table (id, name, amount)}, seqs from {@code firstSeq}. */
    public static List<WalEntry> inserts(String table, long firstSeq, long firstId, int count) {
        List<WalEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = firstId + i;
            entries.add(sql(firstSeq + i, "INSERT INTO " + table + " (id, name, amount) VALUES (?, ?, ?)", id,
                    "row-" + id, new java.math.BigDecimal(id + ".25")));
        }
        return entries;
    }
}
