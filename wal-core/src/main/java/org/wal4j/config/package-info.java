/**
 * The configuration's settings, one descriptor per setting, and the sources they are read from.
 */
@NullMarked
package org.wal4j.config;

import org.jspecify.annotations.NullMarked;
