package org.wal4j.storage.kafka;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.wal4j.WalEntry;

/**
 * A lazy stream of entries in seq order, read {@value #SIZE} at a time: what a scan of a Kafka log
 * is, for the log itself and for {@link KafkaLogInspector}. It holds no resource between pages.
 *
 * <p>Stateless and thread-safe; each stream is for one thread.
 */
final class Pages {
    /** Entries read per round trip. */
    static final int SIZE = 512;

    /** Reads up to {@code limit} entries held with seq at or above {@code fromSeq}, in seq order. */
    @FunctionalInterface
    interface Source {
        List<WalEntry> read(long fromSeq, int limit);
    }

    private Pages() {
    }

    static Stream<WalEntry> stream(long fromSeq, Source source) {
        Iterator<WalEntry> pages = new Iterator<>() {
            private long next = fromSeq;
            private Iterator<WalEntry> page = List.<WalEntry>of().iterator();

            @Override
            public boolean hasNext() {
                if (!page.hasNext()) {
                    List<WalEntry> entries = source.read(next, SIZE);
                    if (!entries.isEmpty()) {
                        next = entries.get(entries.size() - 1).seq() + 1;
                    }
                    page = entries.iterator();
                }
                return page.hasNext();
            }

            @Override
            public WalEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("scan from seq " + fromSeq + " has no more entries");
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
