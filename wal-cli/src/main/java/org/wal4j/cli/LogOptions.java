package org.wal4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.storage.kafka.KafkaLogSettings;
import org.wal4j.storage.kafka.KafkaWalStorage;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which log a command operates on, for the commands that work on every storage ({@code status},
 * {@code dump}, {@code dlq list|requeue|discard}): a file log by {@code --dir}, or a Kafka log by
 * {@code --bootstrap-servers} and {@code --topic} (with {@code --kafka-property} for client
 * settings such as security). Exactly one of the two; mixing them is a usage error that says so.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class LogOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "A file log: the log directory (the one the application passes to FileStorageConfig).")
    private Path dir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "A Kafka log: Kafka's bootstrap servers (with --topic).")
    private String bootstrapServers;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "A Kafka log: the log topic the application's KafkaWalStorage names (with "
                + "--bootstrap-servers); its companion topic is TOPIC.status. Neither is ever created.")
    private String topic;

    @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
            description = "A Kafka client property for a Kafka log, such as security.protocol=SSL (repeatable); "
                + "the properties the log sets itself (acks, timeouts...) are refused.")
    private Map<String, String> kafkaProperties;

    /**
     * The log named, reading payloads with {@code payloadKeys}' codec if given (null for a command
     * that reads no payloads).
     *
     * @throws CommandLine.ParameterException (a usage error) for no log, both kinds, half a Kafka log,
     *                                        a directory that is not a log, or a refused property
     */
    LogSource source(@Nullable PayloadKeyOption payloadKeys) {
        List<String> kafka = new ArrayList<>();
        if (bootstrapServers != null) {
            kafka.add("--bootstrap-servers");
        }
        if (topic != null) {
            kafka.add("--topic");
        }
        if (kafkaProperties != null) {
            kafka.add("--kafka-property");
        }
        if (dir != null && !kafka.isEmpty()) {
            throw usage("--dir cannot be combined with " + String.join(", ", kafka) + ": a log is either a "
                    + "directory (--dir) or a Kafka topic (--bootstrap-servers and --topic), not both");
        }
        if (dir != null) {
            return new FileLogSource(LogDirOption.existingLog(mixee, dir), payloadKeys == null ? null : payloadKeys.codec());
        }
        if (kafka.isEmpty()) {
            throw usage("no log given: --dir DIR for a file log, or --bootstrap-servers and --topic for a Kafka log");
        }
        if (bootstrapServers == null || topic == null) {
            throw usage((bootstrapServers == null ? "--bootstrap-servers" : "--topic") + " is missing: a Kafka log "
                    + "needs both --bootstrap-servers and --topic");
        }
        return new KafkaLogSource(kafkaSettings(payloadKeys == null ? null : payloadKeys.codec()));
    }

    /** The Kafka log's settings, reading payloads with {@code codec} (null: as stored, ciphertext included). */
    private KafkaLogSettings kafkaSettings(@Nullable PayloadCodec codec) {
        KafkaLogSettings.Builder b = KafkaWalStorage.builder().existingLog(true).payloadCodec(codec);
        OptionChecks.check(mixee, "--bootstrap-servers", () -> b.bootstrapServers(bootstrapServers));
        OptionChecks.check(mixee, "--topic", () -> b.topic(topic));
        Map<String, String> properties = kafkaProperties == null ? Map.of() : new LinkedHashMap<>(kafkaProperties);
        properties.forEach((name, value) -> OptionChecks.check(mixee, "--kafka-property " + name,
                () -> b.clientProperty(name, value)));
        // an existing log's durability is accepted as it is (existingLog), so building cannot refuse it
        return b.build();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(mixee.commandLine(), message);
    }
}
