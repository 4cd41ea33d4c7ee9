/**
 * Implementation details of wal4j. Public only so that wal4j's own modules can share them; not an
 * API: anything here may change in any release.
 */
package org.wal4j.internal;
