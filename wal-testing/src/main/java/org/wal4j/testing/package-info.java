/**
 * Test helpers for the test scope of wal4j users and storage authors (artifact
 * {@code org.wal4j:wal-testing}): {@link org.wal4j.testing.InMemoryWalStorage} to run a
 * {@code Wal} without a disk, {@link org.wal4j.testing.ScriptedSyncTarget} to make a target fail
 * on cue, {@link org.wal4j.testing.ManualClock} to move time instead of sleeping,
 * {@link org.wal4j.testing.WalInvariants} to check a log after a scenario,
 * {@link org.wal4j.testing.WalStorageContract} for a storage to prove itself against, and
 * {@link org.wal4j.testing.SpiBoundary} for a module to prove it uses only supported packages.
 */
@NullMarked
package org.wal4j.testing;

import org.jspecify.annotations.NullMarked;
