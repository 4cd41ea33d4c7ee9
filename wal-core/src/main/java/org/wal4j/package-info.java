/**
 * The wal4j API: entries and their lifecycle, the storage and sync-target SPIs, configuration,
 * exceptions. Everything a user touches lives here; {@code org.wal4j.internal} is never promised.
 */
package org.wal4j;
