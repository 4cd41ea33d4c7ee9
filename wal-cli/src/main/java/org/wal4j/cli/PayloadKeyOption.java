package org.wal4j.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.wal4j.PayloadEncryption;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.storage.file.FileStorageConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --payload-key-file} option of the commands that read payloads: the file of payload
 * keys ({@code id=BASE64KEY} per line, as {@code wal.payload.key.file} names it for the
 * application), never a key on the command line itself, where {@code ps} and the shell's history
 * would show it. Without it a read-only command shows an encrypted payload as its ciphertext form,
 * and a command that changes the log refuses an encrypted entry it must read.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class PayloadKeyOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--payload-key-file", paramLabel = "FILE",
            description = {"Decrypt payloads encrypted at rest with the keys in FILE: one id=BASE64KEY per line "
                + "(16 or 32 bytes of AES key), the file the application's wal.payload.key.file names.",
                "Keys are only ever read from a file, never given on the command line (ps and shell history would "
                    + "show them). Without this option encrypted payloads stay encrypted: read-only commands show "
                    + "their ciphertext form {\"kid\",\"iv\",\"ct\"}."})
    private @Nullable Path file;

    /**
     * The codec of the key file, or null without the option.
     *
     * @throws CommandLine.ParameterException (a usage error) naming the file and the problem (never a key)
     */
    @Nullable PayloadCodec codec() {
        Path f = file;
        if (f == null) {
            return null;
        }
        try {
            return PayloadEncryption.fromKeyFile(f);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--payload-key-file: " + e.getMessage());
        }
    }

    /** The library's default settings for the log in {@code dir}, with the key file's codec if given. */
    FileStorageConfig config(Path dir) {
        PayloadCodec codec = codec();
        FileStorageConfig.Builder b = FileStorageConfig.builder(dir);
        if (codec != null) {
            b.payloadCodec(codec);
        }
        return b.build();
    }
}
