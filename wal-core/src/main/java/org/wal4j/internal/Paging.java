package org.wal4j.internal;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy stream over a storage query that returns pages in sequence order after a given seq, so
 * that a listing of a million dead letters never holds more than one page.
 *
 * <p>A query may return several items for one seq (an entry dead for two targets); a full page
 * is therefore cut before its last seq, which the next page starts with again, so no item is
 * lost at a page boundary. Pages must be larger than the most items one seq can have.
 */
final class Paging {
    private Paging() {
    }

    static <T> Stream<T> stream(LongFunction<List<T>> pageAfter, ToLongFunction<T> seqOf, int pageSize) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new PageIterator<>(pageAfter, seqOf, pageSize),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Not thread-safe, like any iterator. */
    private static final class PageIterator<T> implements Iterator<T> {
        private final LongFunction<List<T>> pageAfter;
        private final ToLongFunction<T> seqOf;
        private final int pageSize;
        private List<T> page = List.of();
        private int next;
        private long after;
        private boolean last;

        PageIterator(LongFunction<List<T>> pageAfter, ToLongFunction<T> seqOf, int pageSize) {
            this.pageAfter = pageAfter;
            this.seqOf = seqOf;
            this.pageSize = pageSize;
        }

        @Override
        public boolean hasNext() {
            while (next >= page.size()) {
                if (last) {
                    return false;
                }
                fetch();
            }
            return true;
        }

        private void fetch() {
            List<T> fetched = pageAfter.apply(after);
            if (fetched.size() < pageSize) {
                last = true;
                page = fetched;
            } else {
                long lastSeq = seqOf.applyAsLong(fetched.get(fetched.size() - 1));
                int cut = fetched.size();
                while (cut > 0 && seqOf.applyAsLong(fetched.get(cut - 1)) == lastSeq) {
                    cut--;
                }
                if (cut == 0) {
                    throw new IllegalStateException("more than " + pageSize + " items for seq " + lastSeq);
                }
                page = fetched.subList(0, cut);
            }
            next = 0;
            if (!page.isEmpty()) {
                after = seqOf.applyAsLong(page.get(page.size() - 1));
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.get(next++);
        }
    }
}
