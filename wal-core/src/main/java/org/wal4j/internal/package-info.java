/**
 * Implementation details of wal-core: the sync engine, its queues and workers. Public only because
 * the API classes in {@code org.wal4j} call into it across packages; not an API: anything here may
 * change in any release. No other module uses it, and the build enforces that: every wal4j module
 * outside wal-core runs {@code org.wal4j.testing.SpiBoundary} in a test that fails on any
 * reference to this package. What another module needs lives in {@link org.wal4j.spi}.
 */
@NullMarked
package org.wal4j.internal;

import org.jspecify.annotations.NullMarked;
