/**
 * The segmented JSON-lines log on local disk. Users touch {@link org.wal4j.storage.file.FileWalStorage}
 * (open it with {@link org.wal4j.storage.file.FileWalStorage#open}), its
 * {@link org.wal4j.storage.file.FileStorageConfig} and the {@link org.wal4j.storage.file.RecoveryReport}
 * it gives; {@link org.wal4j.storage.file.WalFileSystem} and
 * {@link org.wal4j.storage.file.WalFileChannel} are the seam tests use to inject I/O faults. Everything
 * else is package-private. The format and commit rule are documented on {@code LineCodec} and in
 * {@code docs/format.md}.
 */
@NullMarked
package org.wal4j.storage.file;

import org.jspecify.annotations.NullMarked;
