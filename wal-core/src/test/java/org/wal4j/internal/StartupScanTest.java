package org.wal4j.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.TestEntries;

/**
 * The start-up scan covers the log as it is when {@code start()} begins: on a log shared by
 * several instances the others keep appending while this one starts, and a scan that read until
 * it found no more entries could chase their appends for ever (found with child JVMs on Kafka:
 * an instance joining a log under load never finished {@code start()}).
 */
class StartupScanTest {
    @Test
    void start_scansTheLogAsItWasWhenStartBegan_whileOthersKeepAppending() {
        InMemoryWalStorage log = InMemoryWalStorage.create();
        for (int i = 1; i <= 100; i++) {
            log.append(TestEntries.entry(i, "primary"));
        }
        AtomicInteger read = new AtomicInteger();
        AtomicInteger others = new AtomicInteger(1000);
        // pages of 10; after each page, "other instances" append 20 entries more
        WalStorage growing = (WalStorage) Proxy.newProxyInstance(WalStorage.class.getClassLoader(),
                new Class<?>[] {WalStorage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("scan")) {
                        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(
                                pages(log, (Long) args[0], read, others), Spliterator.ORDERED), false);
                    }
                    try {
                        return method.invoke(log, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Wal wal = Wal.builder(growing).target(new ScriptedSyncTarget("primary", Clock.systemUTC())).build();
        try {
            wal.start();
            assertTrue(read.get() >= 100 && read.get() <= 110, "read " + read + " entries: the 100 there at the start "
                    + "(and at most the rest of the page that came after them)");
            assertTrue(log.lastSeq() > 100, "the others appended meanwhile: last seq " + log.lastSeq());
        } finally {
            wal.stop(Duration.ofSeconds(5));
        }
    }

    private static Iterator<WalEntry> pages(InMemoryWalStorage log, long fromSeq, AtomicInteger read,
            AtomicInteger others) {
        return new Iterator<>() {
            private long next = fromSeq;
            private Iterator<WalEntry> page = List.<WalEntry>of().iterator();

            @Override
            public boolean hasNext() {
                if (!page.hasNext()) {
                    if (read.get() > 5_000) {
                        throw new AssertionError("start() is still scanning after reading " + read + " entries of a log "
                                + "that had 100 when it began: it chases the appends of the other instances");
                    }
                    List<WalEntry> entries = log.read(next, Long.MAX_VALUE, 10);
                    if (!entries.isEmpty()) {
                        next = entries.get(entries.size() - 1).seq() + 1;
                    }
                    read.addAndGet(entries.size());
                    for (int i = 0; i < 20; i++) {
                        log.append(TestEntries.entry(others.incrementAndGet(), "primary"));
                    }
                    page = entries.iterator();
                }
                return page.hasNext();
            }

            @Override
            public WalEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }
}
