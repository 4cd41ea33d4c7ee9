package org.wal4j.storage.file;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.wal4j.WalEntry;

/**
 * A child JVM for {@link ManySegmentsTest}, started under a low open-files limit: inspects,
 * verifies and recovers the log in {@code args[0]} and prints
 * {@code OK <segments> <entries scanned> <verified entries> <recovered last seq>}. Any failure
 * (such as "Too many open files") ends it with a stack trace and a non-zero exit.
 */
public final class ManySegmentsProbe {
    private ManySegmentsProbe() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int segments;
        long scanned;
        try (LogInspector inspector = LogInspector.open(dir); Stream<WalEntry> all = inspector.scan(1)) {
            segments = inspector.segments().size();
            scanned = all.count();
        }
        VerifyReport report = LogVerifier.verify(dir);
        if (!report.ok()) {
            throw new IllegalStateException("verify found problems: " + report.problems());
        }
        long recovered;
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(
                ManySegmentsTest.SEGMENT_BYTES).build())) {
            recovered = log.lastSeq();
            if (log.read(1).isEmpty() || log.read(recovered).isEmpty()) {
                throw new IllegalStateException("first or last entry not readable after recovery");
            }
        }
        System.out.println("OK " + segments + " " + scanned + " " + report.entries() + " " + recovered);
    }
}
