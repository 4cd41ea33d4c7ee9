package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.wal4j.WalDiskFullException;
import org.wal4j.WalUnavailableException;

/** The writer's first failure and the refusals that name it, exact messages included. */
class WriterPoisonTest {
    @Test
    void beforeAFailure_nothingIsRefused() {
        WriterPoison poison = new WriterPoison();
        assertFalse(poison.isSet());
        assertNull(poison.exception());
        assertNull(poison.refusal(7));
    }

    @Test
    void theFirstFailure_isKept_andEveryRefusalNamesIt() {
        WriterPoison poison = new WriterPoison();
        IOException cause = new IOException("Input/output error");
        poison.record("forcing /wal/00000000000000000001.wal", cause, 41);
        poison.record("writing /wal/00000000000000000001.wal at offset 99", new IOException("later"), 41);

        WalUnavailableException first = poison.exception();
        assertFalse(first instanceof WalDiskFullException);
        assertSame(cause, first.getCause());
        assertEquals("The log failed forcing /wal/00000000000000000001.wal: IOException: Input/output error; "
                + "it is poisoned and refuses writes until reopened", first.getMessage());
        WalUnavailableException refusal = poison.refusal(42);
        assertSame(first, refusal.getCause());
        assertEquals("Log already failed after seq 42 (forcing /wal/00000000000000000001.wal: IOException: "
                + "Input/output error); it refuses writes until reopened", refusal.getMessage());
    }

    @Test
    void aFullDisk_isSaidSo_withWhatToDo() {
        WriterPoison poison = new WriterPoison();
        poison.record("writing /wal/00000000000000000001.wal at offset 10", new IOException("No space left on device"), 3);
        assertTrue(poison.isSet());
        assertInstanceOf(WalDiskFullException.class, poison.exception());
        assertEquals("The disk holding the log is full (writing /wal/00000000000000000001.wal at offset 10: IOException: "
                + "No space left on device); the log is poisoned and refuses writes: free space, then reopen it",
                poison.exception().getMessage());
        WalUnavailableException refusal = poison.refusal(3);
        assertInstanceOf(WalDiskFullException.class, refusal);
        assertEquals("Log already failed after seq 3 (writing /wal/00000000000000000001.wal at offset 10: IOException: "
                + "No space left on device); the disk is full: free space, then reopen the log", refusal.getMessage());
    }
}
