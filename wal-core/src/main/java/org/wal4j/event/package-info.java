/**
 * What the sync engine tells listeners: entries applied, retried, dead-lettered or expired,
 * circuit breaker transitions, and a storage failure. Register a {@link org.wal4j.event.WalListener}
 * on {@link org.wal4j.Wal.Builder#listener}.
 */
@NullMarked
package org.wal4j.event;

import org.jspecify.annotations.NullMarked;
