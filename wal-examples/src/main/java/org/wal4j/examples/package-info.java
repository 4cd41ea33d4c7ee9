/**
 * Runnable examples a newcomer starts from the README.
 */
package org.wal4j.examples;
