package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.wal4j.WalConfig;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StorageStats;
import org.wal4j.storage.file.FileWalStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wal compact}: compacts the log as the application's {@code Wal} does: drops entries at
 * or below the lowest checkpoint of the log's targets, older than the retention period, and
 * finished for every target (never a dead letter), from closed segments. Needs the log to itself.
 * Works on a full disk: segments in which nothing is left are deleted before anything is written.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "compact", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drop entries that every target has finished (applied, expired or discarded; never dead "
            + "letters), at or below the lowest target checkpoint and older than the retention period, from "
            + "closed segments.",
            "Needs the log to itself: fails if the application holds it (which compacts on its own)."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:compacted (or nothing to drop)",
            "1:the application (or another process) holds the log, or compaction failed (what it freed before "
                + "the failure stays freed; the message says how much)", ExitCode.USAGE_HELP})
final class CompactCommand implements Callable<Integer> {
    private final Environment environment;

    @Spec
    private CommandSpec spec;
    @Mixin
    private LogDirOption dir;
    @Mixin
    private JsonOption json;
    @Option(names = "--retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Keep entries younger than this (250ms, 30s, 5m, 2h, 7d or PT30S); default: "
                    + "WalConfig's default retention, 7d.")
    private Duration retention = WalConfig.DEFAULT_RETENTION;
    @Option(names = "--target", paramLabel = "TARGET",
            description = "Also count this target's checkpoint (0 if it has none) in the lowest checkpoint; "
                    + "repeatable. The targets the log names always count.")
    private List<String> extraTargets = List.of();

    CompactCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        Instant cutoff = environment.clock().instant().minus(retention);
        Map<String, Long> checkpoints = new LinkedHashMap<>();
        CompactionResult result;
        long safePoint;
        try (FileWalStorage storage = Logs.openForWriting(dir.existingLog(), "compaction")) {
            StorageStats stats = storage.stats();
            Set<String> targets = new TreeSet<>(stats.unfinishedByTarget().keySet());
            targets.addAll(stats.checkpoints().keySet());
            targets.addAll(extraTargets);
            safePoint = targets.isEmpty() ? 0 : Long.MAX_VALUE;
            for (String target : targets) {
                long cp = storage.checkpoint(target);
                checkpoints.put(target, cp);
                safePoint = Math.min(safePoint, cp);
            }
            result = storage.compact(safePoint, cutoff);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            ObjectNode n = Json.object();
            n.put("safePoint", safePoint);
            n.put("createdBefore", cutoff.toString());
            ObjectNode cps = n.putObject("checkpoints");
            checkpoints.forEach(cps::put);
            n.put("entriesDropped", result.entriesDropped());
            n.put("segmentsRewritten", result.segmentsRewritten());
            n.put("segmentsDeleted", result.segmentsDeleted());
            n.put("bytesReclaimed", result.bytesReclaimed());
            Json.line(out, n);
        } else {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("Up to seq", safePoint + " (lowest checkpoint of " + (checkpoints.isEmpty() ? "no target"
                    : checkpoints.toString()) + ")");
            fields.put("Created before", cutoff + " (retention " + retention + ")");
            fields.put("Entries dropped", result.entriesDropped());
            fields.put("Segments", result.segmentsRewritten() + " rewritten, " + result.segmentsDeleted() + " deleted");
            fields.put("Reclaimed", Sizes.bytes(result.bytesReclaimed()));
            TablePrinter.fields(out, fields);
        }
        out.flush();
        return ExitCode.OK;
    }
}
