/**
 * Micrometer metrics for a {@link org.wal4j.Wal}: {@link org.wal4j.micrometer.WalMetrics}, a
 * {@link io.micrometer.core.instrument.binder.MeterBinder}; every meter, its unit and tags are listed
 * in {@code docs/operations.md}.
 */
@NullMarked
package org.wal4j.micrometer;

import org.jspecify.annotations.NullMarked;
