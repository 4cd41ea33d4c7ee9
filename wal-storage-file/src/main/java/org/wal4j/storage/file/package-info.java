/**
 * The segmented JSON-lines log on local disk.
 */
package org.wal4j.storage.file;
