package org.wal4j.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a failing {@link Instrumentation} is reported: logged, never thrown. */
final class InstrumentationLog {
    private static final Logger LOG = LoggerFactory.getLogger(Instrumentation.class);

    private InstrumentationLog() {
    }

    static void failed(String step, RuntimeException e) {
        LOG.warn("wal4j instrumentation failed to {} a scope; the write or apply goes on unobserved", step, e);
    }
}
