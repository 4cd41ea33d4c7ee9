package org.wal4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a {@code --crash} run writes just before it kills itself, so that the next run can check
 * the database: the script's seed and how many calls wal4j had acknowledged. The script being
 * deterministic, that is the demo's whole model. (The application's data itself needs no such
 * file: it is in the log.) The database's URL and user come along, to recover against the same
 * database.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seed     the {@link TradingScript}'s seed
 * @param accounts the accounts the script opened
 * @param calls    calls acknowledged before the kill, account openings included
 * @param jdbcUrl  the database's URL, or null for the embedded H2
 * @param user     the database user, or null
 */
record CrashRecord(long seed, int accounts, long calls, String jdbcUrl, String user) {
    static final String FILE_NAME = "crashed-run.properties";

    static Path file(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /** Writes the record to {@code dir} and forces it to disk. */
    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("accounts", Integer.toString(accounts));
        p.setProperty("calls", Long.toString(calls));
        if (jdbcUrl != null) {
            p.setProperty("jdbcUrl", jdbcUrl);
        }
        if (user != null) {
            p.setProperty("user", user);
        }
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        try (OutputStream stream = Files.newOutputStream(temp)) {
            p.store(stream, "wal4j TradingDemo --crash: the run killed itself; the next run recovers and checks");
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file(dir), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The record a crashed run left in {@code dir}, if any. */
    static Optional<CrashRecord> read(Path dir) throws IOException {
        Path file = file(dir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream stream = Files.newInputStream(file)) {
            p.load(stream);
        }
        try {
            return Optional.of(new CrashRecord(Long.parseLong(p.getProperty("seed")),
                    Integer.parseInt(p.getProperty("accounts")), Long.parseLong(p.getProperty("calls")),
                    p.getProperty("jdbcUrl"), p.getProperty("user")));
        } catch (RuntimeException e) {
            throw new IOException(file + " is damaged (" + e + "); delete it to start a fresh run", e);
        }
    }

    static void delete(Path dir) throws IOException {
        Files.deleteIfExists(file(dir));
    }
}
