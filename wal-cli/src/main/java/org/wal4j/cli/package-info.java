/**
 * The {@code wal} operator command line: inspect, verify, dump, compact, manage dead letters,
 * apply SQL-statement entries and generate load on a wal4j file log. Entry point
 * {@link org.wal4j.cli.WalCli}; every subcommand is one class here. Read-only subcommands
 * ({@code status}, {@code verify}, {@code dump}, {@code dlq list}) use
 * {@link org.wal4j.storage.file.LogInspector} and {@link org.wal4j.storage.file.LogVerifier} and
 * work while an application holds the log; the others open it with
 * {@link org.wal4j.storage.file.FileWalStorage} and need its lock.
 *
 * <p>Nothing here is API: the command line and its output are.
 */
package org.wal4j.cli;
