/**
 * The wal4j API: entries and their lifecycle, the {@code Wal} manager, configuration, exceptions.
 * Everything an application touches lives here and in {@link org.wal4j.event}; what a storage or
 * a sync target implements lives in {@link org.wal4j.spi}; {@code org.wal4j.internal} is never
 * promised.
 */
@NullMarked
package org.wal4j;

import org.jspecify.annotations.NullMarked;
