package org.wal4j.storage.file;

import java.io.IOException;
import org.wal4j.spi.StatusIndex;

/**
 * Builds the reader's view of a rewritten segment file: its sparse index and end, and moves the
 * {@link StatusIndex} locators of the tracked entries in it to their new offsets. Used after a
 * quarantine rewrite on open; compaction computes the same while it writes.
 */
final class Reindex {
    private Reindex() {
    }

    static SegmentFile segment(WalFileSystem fs, SegmentFile old, WalFileChannel rewritten, StatusIndex index)
            throws IOException {
        long size = rewritten.size();
        LineScanner scanner = new LineScanner();
        LineReader r = new LineReader(rewritten, 0, size, 1 << 16, LogReader.maxLine());
        long dataStart = 0;
        SparseIndex sparse = new SparseIndex();
        long lastSeq = old.firstSeq - 1;
        boolean first = true;
        while (r.next()) {
            if (first) {
                dataStart = r.nextOffset();
                first = false;
                continue;
            }
            if (r.kind == LineReader.Kind.LINE && scanner.checksumOk(r.buf(), r.start, r.end)) {
                scanner.parse();
                if (scanner.type == LineScanner.ENTRY) {
                    sparse.onEntry(scanner.seq, r.offset);
                    index.relocate(scanner.seq, r.offset);
                    lastSeq = scanner.seq;
                }
            }
        }
        SegmentFile fresh = new SegmentFile(fs, old.path, old.id, old.createdAt, dataStart, size, sparse, null);
        fresh.setLastEntrySeq(lastSeq);
        return fresh;
    }
}
