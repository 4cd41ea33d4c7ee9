/**
 * The service provider interface: what a storage or a sync target implements, and the supported
 * building blocks for one. Supported like the API in {@code org.wal4j}, which these types use
 * (entries, statuses, exceptions); an application that only writes to a {@code Wal} needs
 * nothing here but the name of the storage and targets it wires in.
 *
 * <ul>
 *   <li><b>A storage</b> implements {@link org.wal4j.spi.WalStorage}: appends answer with an
 *       {@link org.wal4j.spi.AppendResult}, status changes arrive as
 *       {@link org.wal4j.spi.StatusRecord}s, the index answers with
 *       {@link org.wal4j.spi.TrackedEntry}s, figures go out as {@link org.wal4j.spi.StorageStats}.
 *       The building blocks: {@link org.wal4j.spi.AppendChecks} (the checks every append makes
 *       before anything is written), {@link org.wal4j.spi.StatusIndex} (the per-target statuses
 *       of the entries still needing something, rebuilt from status records on open),
 *       {@link org.wal4j.spi.LatencyHistogram} (the append latency percentiles) and
 *       {@link org.wal4j.spi.Names} (the rules for names). A storage proves itself by passing
 *       {@code org.wal4j.testing.WalStorageContract} (artifact {@code wal-testing}).</li>
 *   <li><b>A sync target</b> implements {@link org.wal4j.spi.SyncTarget}: it answers a batch
 *       with an {@link org.wal4j.spi.ApplyResult} and a probe with a
 *       {@link org.wal4j.spi.TargetHealth}.</li>
 *   <li><b>A payload codec</b> implements {@link org.wal4j.spi.PayloadCodec}: a storage calls it at
 *       its encode and decode seam with the entry's {@link org.wal4j.spi.PayloadContext}, so that
 *       payloads are stored encrypted ({@code org.wal4j.PayloadEncryption} builds the AES-GCM
 *       codec) and everything above the storage sees them as written.</li>
 *   <li><b>A test clock</b> implements {@link org.wal4j.spi.SteppedClock} so that the engine's
 *       waits wake when it moves ({@code org.wal4j.testing.ManualClock} does).</li>
 *   <li>{@link org.wal4j.spi.Checks} checks the settings of a storage's configuration as
 *       {@code WalConfig} does its own; {@code org.wal4j.config} describes and reads them.</li>
 * </ul>
 */
@NullMarked
package org.wal4j.spi;

import org.jspecify.annotations.NullMarked;
