/**
 * The {@code wal} operator command line: inspect, verify, dump, compact, manage dead letters,
 * apply SQL-statement entries and generate load on a wal4j file log; {@code status}, {@code dump}
 * and {@code dlq} also on a Kafka log ({@code --bootstrap-servers}, {@code --topic}), through one
 * {@link org.wal4j.cli.LogSource} per storage ({@link org.wal4j.cli.LogOptions}). Entry point
 * {@link org.wal4j.cli.WalCli}; every subcommand is one class here. Read-only subcommands
 * ({@code status}, {@code verify}, {@code dump}, {@code dlq list}) use
 * {@link org.wal4j.storage.file.LogInspector}, {@link org.wal4j.storage.file.LogVerifier} or
 * {@code KafkaLogInspector} and work while an application holds the log; the others open it with
 * {@link org.wal4j.storage.file.FileWalStorage} and need its lock (a Kafka log has none: see
 * {@link org.wal4j.cli.KafkaLogSource}).
 *
 * <p>Nothing here is API: the command line and its output are.
 */
package org.wal4j.cli;
