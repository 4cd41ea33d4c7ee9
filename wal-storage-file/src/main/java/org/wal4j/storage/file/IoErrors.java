package org.wal4j.storage.file;

import java.util.Locale;

/** Classifies I/O failures. Stateless. */
final class IoErrors {
    private IoErrors() {
    }

    /**
     * True if {@code failure} or one of its causes says the device is full: {@code ENOSPC} on
     * Linux and macOS ("No space left on device"), {@code ERROR_DISK_FULL} on Windows. The JDK
     * does not expose errno, so the message is all there is to go by.
     */
    static boolean isDiskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                if (lower.contains("no space left on device") || lower.contains("not enough space on the disk")
                        || lower.contains("disk quota exceeded")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The failure as one line: its class and message. */
    static String describe(Throwable failure) {
        String m = failure.getMessage();
        return failure.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
